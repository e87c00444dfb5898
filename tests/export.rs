//! Exports on real files, read back by LibreOffice.

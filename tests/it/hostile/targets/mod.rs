//! The fuzz targets, one file each: every entry point that takes bytes or text from outside,
//! and the regressions and known problems the targets found.

mod calendar;
mod commands;
mod import;
mod regressions;
mod sheet;
mod text;

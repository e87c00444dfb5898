//! Imports of generated workbooks and CSV files into real ledger files.

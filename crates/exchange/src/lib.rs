//! taizhang-exchange: spreadsheets in and out.
//!
//! Offices keep their ledgers in Excel and WPS and report upward in Excel. Reading: real
//! sheets are messy (a merged title row and a 填报 line above the header, header names that
//! differ from office to office, dates typed five ways or stored as Excel serials, time limits
//! written as "15个工作日" or as a date, several units in one cell); `cells` and `header` turn
//! cell text into typed values, `sheet` reads .xlsx/.xls/.csv into rows, and `import` plans an
//! import (preview) and commits it as commands through the ledger's one write path. Writing:
//! `export` writes the ledger and periodic reports.

pub mod cells;
pub mod export;
pub mod header;
pub mod import;
pub mod sheet;

//! taizhang-exchange: the rules for reading the ledgers offices keep in Excel and WPS.
//!
//! Real sheets are messy: a merged title row and a 填报 line above the header, header names
//! that differ from office to office, dates typed five ways or stored as Excel serials, time
//! limits written as "15个工作日" or as a date, several units in one cell. This crate turns
//! cell text into typed values; it reads no files (the xlsx/xls/csv readers feed it rows).

pub mod cells;
pub mod header;

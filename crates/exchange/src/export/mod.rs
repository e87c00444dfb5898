//! Writing the ledger and periodic reports as .xlsx and CSV.

//! `figures`: the scorecards of a period; and the period argument as the ledger reads it
//! (`export report` takes one too).

use std::process::ExitCode;

use clap::Args;
use taizhang_core::period::Period;
use taizhang_ledger::figures::PeriodLookupError;
use taizhang_ledger::LedgerError;

use crate::args::Globals;
use crate::input::now;
use crate::messages::CliError;
use crate::render::{self, print};
use crate::session::Session;

#[derive(Args)]
pub struct FiguresArgs {
    #[arg(long)]
    period: String,
}

pub fn run(g: &Globals, a: FiguresArgs) -> Result<ExitCode, CliError> {
    let s = Session::open(g)?;
    let period = period(&s, &a.period)?;
    let card = s.ledger.scorecard(&period, now()?)?;
    print(s.json, &card, || render::scorecard(&card));
    Ok(ExitCode::SUCCESS)
}

/// A period typed as text: 2026, 2026-Q1, 2026-03, 2026-03-上旬, A..B, or `campaign` (the
/// settings' campaign dates).
pub fn period(s: &Session, text: &str) -> Result<Period, CliError> {
    match s.ledger.period(text) {
        Ok(p) => Ok(p),
        Err(PeriodLookupError::Period(e)) => Err(e.into()),
        Err(PeriodLookupError::Ledger(e)) => Err(e.into()),
        Err(PeriodLookupError::NoCampaign) => Err(CliError::Ledger(LedgerError::bad_input(
            "period",
            "服务年期间未设置（settings 中的 campaign_start / campaign_end）",
        ))),
    }
}

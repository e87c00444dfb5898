//! Answers that need no acting user: `deadline` (working days on the ledger's calendar, or
//! the built-in one when there is no ledger) and `credit-code` (the check of a credit code).

use std::process::ExitCode;

use clap::Args;
use taizhang_core::calendar::Calendar;
use taizhang_core::credit_code::{check_credit_code, CreditCodeCheck};
use taizhang_ledger::Ledger;

use crate::args::Globals;
use crate::input::parse_date;
use crate::messages::CliError;
use crate::render::print;

#[derive(Args)]
pub struct DeadlineArgs {
    date: String,
    days: u32,
}

#[derive(Args)]
pub struct CreditCodeArgs {
    code: String,
}

pub fn deadline(g: &Globals, a: DeadlineArgs) -> Result<ExitCode, CliError> {
    let start = parse_date(&a.date)?;
    let db = g.db();
    let calendar = if db.exists() { Ledger::open(&db)?.calendar()? } else { Calendar::with_builtin_years() };
    let due = calendar.add_working_days(start, a.days);
    print(g.json, &serde_json::json!({ "start": start, "working_days": a.days, "deadline": due }), || {
        format!("{due}\n")
    });
    Ok(ExitCode::SUCCESS)
}

pub fn credit_code(g: &Globals, a: CreditCodeArgs) -> Result<ExitCode, CliError> {
    let code = a.code;
    let check = check_credit_code(&code);
    let (exit, msg) = match &check {
        CreditCodeCheck::Valid => (0, "有效".to_string()),
        CreditCodeCheck::BadCheckChar { expected, found } => {
            (1, format!("校验码不符：末位应为 {expected}，实为 {found}（仅提示，仍可登记）"))
        }
        CreditCodeCheck::Malformed { reason } => (2, format!("格式不正确：{reason}")),
    };
    print(g.json, &check, || format!("{code}：{msg}\n"));
    Ok(ExitCode::from(exit))
}

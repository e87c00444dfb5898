//! `demo`: a realistic demo district in a new ledger.

use std::process::ExitCode;

use clap::Args;
use taizhang_demo::{generate, DemoOptions};
use taizhang_ledger::Ledger;

use crate::args::Globals;
use crate::input::now;
use crate::messages::CliError;
use crate::progress::Progress;
use crate::render::print;

#[derive(Args)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 520)]
    problems: usize,
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Days of history before today.
    #[arg(long, default_value_t = 150)]
    days: u32,
}

pub fn run(g: &Globals, a: DemoArgs) -> Result<ExitCode, CliError> {
    let db = g.db();
    let json = g.json;
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let opts = DemoOptions { problems: a.problems, seed: a.seed, end: now()?, days: a.days, monitoring: true };
    let mut ledger = Ledger::create(&db, opts.start())?;
    // Planning the district has no count; then every command of its history is a step.
    let mut bar = Progress::new(json, "生成演示数据", 0);
    bar.phase("规划演示区县");
    let report =
        generate(&mut ledger, &opts, &mut |done, total| bar.update("生成演示数据（按天）", done as u64, total as u64))?;
    drop(bar);
    print(json, &report, || {
        format!(
            "已生成演示区县：{}\n镇街 {}，部门 {}，用户 {}，企业 {}，走访 {}，问题 {}，事件 {}\n用户示例：admin（办公室）、leader_zhao（领导）；`taizhang --db {} user list` 列出全部。\n",
            db.display(),
            report.townships,
            report.departments,
            report.users,
            report.enterprises,
            report.visits,
            report.problems,
            report.events,
            db.display()
        )
    });
    Ok(ExitCode::SUCCESS)
}

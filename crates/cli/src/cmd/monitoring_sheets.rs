//! The monitoring sheets at the command line: `export monthly-report|production|projects|
//! warnings` (the workbooks of `taizhang_exchange::export::monitoring`) and `import indicators`
//! (the monthly indicator sheets enterprises fill: preview with --dry-run, else all rows in one
//! transaction or none).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use taizhang_core::monitoring::{Month, Xun};
use taizhang_exchange::export::monitoring::{
    export_monthly_report_xlsx, export_production_xlsx, export_projects_xlsx, export_warnings_xlsx,
};
use taizhang_exchange::export::ExportSummary;
use taizhang_exchange::import::{
    commit_indicators, preview_indicators, IndicatorImportOptions, IndicatorImportPreview, Measure, Severity,
};
use taizhang_ledger::{OutputTarget, WarningFilter};

use crate::cmd::exchange::write_skipped;
use crate::cmd::monitoring::{month_or_last, scope};
use crate::input::{now, parse_enum};
use crate::messages::{catalog_message, CliError};
use crate::progress::Progress;
use crate::render::{escape, print};
use crate::session::Session;

#[derive(Subcommand)]
pub enum MonitoringExportCmd {
    /// 重点企业主要经济指标月报 of a month (.xlsx): each key enterprise by township with 小计 and
    /// the district's 合计; those that did not report shown as 未报.
    MonthlyReport {
        /// 2026-03 (default: last month).
        #[arg(long)]
        month: Option<String>,
        /// One township's (a township official gets their own).
        #[arg(long)]
        township: Option<String>,
        out: PathBuf,
        /// Replace OUT if it exists (never the ledger, a backup, a device or a folder).
        #[arg(long)]
        force: bool,
    },
    /// 主要产品产销旬报 of a 旬 (.xlsx), with who did not report.
    Production {
        #[arg(long)]
        month: String,
        /// 上旬 / 中旬 / 下旬 (or first, second, third).
        #[arg(long)]
        xun: String,
        #[arg(long)]
        township: Option<String>,
        out: PathBuf,
        #[arg(long)]
        force: bool,
    },
    /// 重点项目进度月报 of a month (.xlsx): 完成率 against 序时进度, 超前/正常/滞后.
    Projects {
        /// Default: last month.
        #[arg(long)]
        month: Option<String>,
        #[arg(long)]
        township: Option<String>,
        out: PathBuf,
        #[arg(long)]
        force: bool,
    },
    /// 预警清单 (.xlsx): each warning in words, who answers for it, what was done.
    Warnings {
        /// Only those still open.
        #[arg(long)]
        open: bool,
        #[arg(long)]
        township: Option<String>,
        out: PathBuf,
        #[arg(long)]
        force: bool,
    },
}

#[derive(Args)]
pub struct IndicatorImportArgs {
    file: PathBuf,
    /// The sheet to read (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// The month reported, 2026-03 (default: as the sheet's title names it).
    #[arg(long)]
    month: Option<String>,
    /// Show what would be recorded, row by row; write nothing.
    #[arg(long)]
    dry_run: bool,
}

pub fn export(s: &mut Session, cmd: MonitoringExportCmd) -> Result<ExportSummary, CliError> {
    let t = now()?;
    let mut bar = Progress::new(s.json, "导出中", 5000);
    bar.phase("汇总并写入报表");
    let summary = match cmd {
        MonitoringExportCmd::MonthlyReport { month, township, out, force } => {
            let scope = scope(s, &township)?;
            let target = OutputTarget { path: &out, overwrite: force };
            export_monthly_report_xlsx(&s.ledger, month_or_last(&month)?, scope.as_deref(), t, target)?
        }
        MonitoringExportCmd::Production { month, xun, township, out, force } => {
            let scope = scope(s, &township)?;
            let xun = parse_enum("xun", &xun, Xun::parse)?;
            let target = OutputTarget { path: &out, overwrite: force };
            export_production_xlsx(&s.ledger, Month::parse(&month)?, xun, scope.as_deref(), t, target)?
        }
        MonitoringExportCmd::Projects { month, township, out, force } => {
            let scope = scope(s, &township)?;
            let target = OutputTarget { path: &out, overwrite: force };
            export_projects_xlsx(&s.ledger, month_or_last(&month)?, scope.as_deref(), t, target)?
        }
        MonitoringExportCmd::Warnings { open, township, out, force } => {
            let filter = WarningFilter { township_id: scope(s, &township)?, open_only: open, leader: None };
            export_warnings_xlsx(&s.ledger, &filter, t, OutputTarget { path: &out, overwrite: force })?
        }
    };
    drop(bar);
    Ok(summary)
}

pub fn import(s: &mut Session, a: &IndicatorImportArgs) -> Result<ExitCode, CliError> {
    let opts =
        IndicatorImportOptions { sheet: a.sheet.clone(), month: a.month.as_deref().map(Month::parse).transpose()? };
    let t = now()?;
    let json = s.json;
    let mut bar = Progress::new(json, "导入中", 500);
    bar.phase("读取并核对表格");
    if a.dry_run {
        let preview = preview_indicators(&s.ledger, &a.file, &opts, t)?;
        drop(bar);
        print(json, &preview, || render(&preview, None));
        return Ok(if preview.can_commit { ExitCode::SUCCESS } else { ExitCode::FAILURE });
    }
    let actor = s.actor()?;
    let mut progress = |done: usize, total: usize| bar.update("写入台账", done as u64, total as u64);
    let outcome = commit_indicators(&mut s.ledger, &actor.user.id, &a.file, &opts, t, &mut progress)?;
    drop(bar);
    print(json, &outcome, || render(&outcome.preview, Some(outcome.events)));
    Ok(ExitCode::SUCCESS)
}

/// The preview as an office clerk reads it; `events` once committed. Text from the file is
/// `escape`d.
fn render(p: &IndicatorImportPreview, events: Option<u64>) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let header = p.header_rows.iter().map(u32::to_string).collect::<Vec<_>>().join("、");
    let _ = writeln!(o, "文件：{}　工作表：{}　表头在第 {} 行", escape(&p.file), escape(&p.sheet), header);
    let month = match (p.month, p.month_source.as_str()) {
        (Some(m), "title") => format!("{}年{}月（取自表格标题）", m.year, m.month),
        (Some(m), _) => format!("{}年{}月（--month 指定）", m.year, m.month),
        (None, _) => "未知（用 --month 指定）".to_string(),
    };
    let _ = writeln!(o, "报送月份：{month}");
    let _ = writeln!(o, "列对应：");
    for c in &p.columns {
        let what = match (c.role.as_deref(), &c.indicator_name, c.measure) {
            (Some("enterprise"), _, _) => "企业名称".to_string(),
            (Some("credit_code"), _, _) => "统一社会信用代码".to_string(),
            (Some("computed"), _, _) => "计算值（同比、销售率等），不导入".to_string(),
            (Some(_), Some(name), Some(m)) => {
                let m = match m {
                    Measure::Value => "本月",
                    Measure::Cumulative => "1—本月累计",
                    Measure::LastYear => "上年同期",
                };
                let unit = match (&c.unit, &c.conversion) {
                    (Some(u), Some(conv)) => format!("（{u}，{conv} 换算）"),
                    (Some(u), None) => format!("（{u}）"),
                    _ => String::new(),
                };
                format!("{name} {m}{unit}")
            }
            (None, Some(name), _) => format!("{name}（重复的列，不导入）"),
            _ => "（不导入）".to_string(),
        };
        if c.header.is_empty() && c.role.is_none() {
            continue;
        }
        let _ = writeln!(o, "  {:>3} {} → {}", c.letter, escape(&c.header.replace('\n', " ")), what);
    }
    let _ = writeln!(o, "数据行 {}：可导入 {} 家企业", p.rows_read, p.rows.len());
    for r in &p.rows {
        let figures: Vec<String> = r.entries.iter().map(|e| format!("{}={}", e.key, e.value)).collect();
        let _ = writeln!(o, "  第{}行 {}：{}", r.row, escape(&r.enterprise_name), figures.join("，"));
    }
    write_skipped(&mut o, &p.skipped);
    let errors = p.issues.iter().filter(|i| i.severity == Severity::Error).count();
    if !p.issues.is_empty() {
        let _ = writeln!(o, "问题：错误 {} 处，提示 {} 处", errors, p.issues.len() - errors);
        for i in &p.issues {
            let tag = if i.severity == Severity::Error { "错误" } else { "提示" };
            let col = if i.column.is_empty() { String::new() } else { format!("［{}］", escape(&i.column)) };
            let _ = writeln!(
                o,
                "  第{}行{} {}：{} [{}]",
                i.row,
                col,
                tag,
                catalog_message(&i.code, &i.params).unwrap_or_else(|| escape(&i.code)),
                i.code
            );
        }
    }
    match events {
        Some(n) => {
            let _ = writeln!(o, "已导入：{} 家企业的月报，写入事件 {} 个（一次事务）。", p.rows.len(), n);
        }
        None if p.can_commit => {
            let _ = writeln!(o, "预览完毕，未写入。去掉 --dry-run 即导入。");
        }
        None => {
            let _ = writeln!(o, "有错误，不能导入；请修改表格后重试（任何一行有错都不写入）。");
        }
    }
    o
}

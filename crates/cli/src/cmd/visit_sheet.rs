//! A township's own visit sheet at the command line (docs/import.md, "A township's visit
//! sheet"): `import visits FILE --as USER [--dry-run]` (the preview row by row; without
//! --dry-run every visit and problem in one transaction, or none) and `template visits OUT`
//! (the blank sheet with the district's categories).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use taizhang_exchange::export::export_visit_template;
use taizhang_exchange::header::Field;
use taizhang_exchange::import::{
    commit_visits, preview_visits, CategoryChoice, Severity, VisitImportOptions, VisitImportPreview, VisitRowResult,
};
use taizhang_ledger::OutputTarget;

use crate::args::Globals;
use crate::cmd::exchange::{column_choices, field_label, write_skipped};
use crate::input::now;
use crate::messages::{catalog_text, CliError};
use crate::progress::Progress;
use crate::render::{escape, print};
use crate::session::Session;

#[derive(Args)]
pub struct VisitImportArgs {
    file: PathBuf,
    /// The sheet to read (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// The header's row number, when detection picks the wrong one.
    #[arg(long, value_name = "ROW")]
    header_row: Option<u32>,
    /// Correct the column mapping: `C=visitors` (column letter = field key), `C=-` to ignore.
    #[arg(long = "column", value_name = "COL=FIELD")]
    columns: Vec<String>,
    /// Say which listed category a value of the sheet's category column means: `科创=市场开拓`.
    #[arg(long = "category", value_name = "NAME=CATEGORY")]
    categories: Vec<String>,
    /// Show what would be recorded, row by row; write nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Subcommand)]
pub enum TemplateCmd {
    /// 走访记录导入模板 (.xlsx): the headers `import visits` reads, example rows it skips, the
    /// district's categories as a drop-down list, and a sheet of notes.
    Visits {
        out: PathBuf,
        /// Replace OUT if it exists (never the ledger, a backup, a device or a folder).
        #[arg(long)]
        force: bool,
    },
}

fn options(a: &VisitImportArgs) -> Result<VisitImportOptions, CliError> {
    let columns = column_choices(&a.columns)?;
    let mut categories = Vec::new();
    for c in &a.categories {
        match c.split_once('=') {
            Some((name, category)) if !name.trim().is_empty() && !category.trim().is_empty() => {
                categories.push(CategoryChoice { name: name.trim().to_string(), category: category.trim().to_string() })
            }
            _ => return Err(CliError::Usage(format!("--category takes NAME=CATEGORY, not {c:?}"))),
        }
    }
    Ok(VisitImportOptions { sheet: a.sheet.clone(), header_row: a.header_row, columns, categories })
}

pub fn import(s: &mut Session, a: &VisitImportArgs) -> Result<ExitCode, CliError> {
    let opts = options(a)?;
    let t = now()?;
    let json = s.json;
    let actor = s.actor()?;
    let mut bar = Progress::new(json, "导入中", 500);
    bar.phase("读取并核对表格");
    if a.dry_run {
        let preview = preview_visits(&s.ledger, &actor.user.id, &a.file, &opts, t)?;
        drop(bar);
        print(json, &preview, || render(&preview, None));
        return Ok(if preview.can_commit { ExitCode::SUCCESS } else { ExitCode::FAILURE });
    }
    let mut progress = |done: usize, total: usize| bar.update("写入台账", done as u64, total as u64);
    let outcome = commit_visits(&mut s.ledger, &actor.user.id, &a.file, &opts, t, &mut progress)?;
    drop(bar);
    print(json, &outcome, || render(&outcome.preview, Some(outcome.events)));
    Ok(ExitCode::SUCCESS)
}

pub fn template(g: &Globals, cmd: TemplateCmd) -> Result<ExitCode, CliError> {
    let s = Session::open(g)?;
    let TemplateCmd::Visits { out, force } = cmd;
    let summary = export_visit_template(&s.ledger, OutputTarget { path: &out, overwrite: force })?;
    print(s.json, &summary, || {
        format!("已生成走访记录导入模板：{}\n填好后用 taizhang import visits 文件 --as 用户 导入（先加 --dry-run 预览）。\n", summary.path)
    });
    Ok(ExitCode::SUCCESS)
}

/// The preview as a township clerk reads it; `events` once committed. Text from the file is
/// `escape`d: a sheet is hostile input too.
fn render(p: &VisitImportPreview, events: Option<u64>) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(o, "文件：{}　工作表：{}　表头在第 {} 行", escape(&p.file), escape(&p.sheet), p.header_row);
    let _ = writeln!(o, "列对应（用 --column 列=字段 修改）：");
    for c in p.columns.iter().filter(|c| !c.header.is_empty() || c.field.is_some()) {
        // In a visit sheet the date a problem is raised on is the visit's.
        let field = if c.field == Some(Field::RaisedOn) { "走访日期".to_string() } else { field_label(c.field) };
        let _ = writeln!(o, "  {:>3} {} → {}", c.letter, escape(&c.header.replace('\n', " ")), field);
    }
    for c in p.categories.iter().filter(|c| c.category.as_deref() != Some(c.value.as_str())) {
        let target = c.category.clone().unwrap_or_else(|| format!("？（可能是：{}）", c.candidates.join("、")));
        let _ = writeln!(
            o,
            "  类别 {} → {}（{} 行；用 --category 原名=类别 修改）",
            escape(&c.value),
            escape(&target),
            c.rows
        );
    }
    let _ = writeln!(
        o,
        "数据行 {}：新走访 {}（台账中已有 {}），新问题 {}（已登记，跳过 {}）",
        p.rows_read, p.visits_new, p.visits_known, p.problems_new, p.problems_known
    );
    for r in &p.rows {
        let what = match r.result {
            VisitRowResult::VisitAndProblem => "记录走访并登记问题",
            VisitRowResult::Visit => "记录走访（无问题）",
            VisitRowResult::Problem => "登记问题（同一次走访）",
            VisitRowResult::AlreadyThere => "台账中已有，不再写入",
            VisitRowResult::Error => "有错误",
        };
        let date = r.date.map(|d| d.to_string()).unwrap_or_default();
        let problem = if r.description.is_empty() { String::new() } else { format!("：{}", escape(&r.description)) };
        let visit = r.visit.map(|v| format!("走访{v}　")).unwrap_or_default();
        let _ = writeln!(
            o,
            "  第{}行 {}{} {} {}　{}{}",
            r.row,
            visit,
            escape(&r.enterprise_name),
            date,
            escape(&r.visitors),
            what,
            problem
        );
    }
    write_skipped(&mut o, &p.skipped);
    let errors = p.issues.iter().filter(|i| i.severity == Severity::Error).count();
    if !p.issues.is_empty() {
        let _ = writeln!(o, "问题：错误 {} 处，提示 {} 处", errors, p.issues.len() - errors);
        for i in &p.issues {
            let tag = if i.severity == Severity::Error { "错误" } else { "提示" };
            let msg = catalog_text("errors", &i.code).unwrap_or_else(|| i.code.clone());
            let col = if i.column.is_empty() { String::new() } else { format!("［{}］", escape(&i.column)) };
            let value = if i.code == "import.missing_column" {
                catalog_text("import_fields", &i.value).unwrap_or_else(|| i.value.clone())
            } else {
                i.value.clone()
            };
            let val = if value.is_empty() { String::new() } else { format!("“{}”", escape(&value)) };
            let _ = writeln!(o, "  第{}行{}{} {}：{} [{}]", i.row, col, val, tag, msg, i.code);
        }
    }
    match events {
        Some(n) => {
            let _ = writeln!(
                o,
                "已导入：走访 {} 次，问题 {} 个，写入事件 {} 个（一次事务）。",
                p.visits_new, p.problems_new, n
            );
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

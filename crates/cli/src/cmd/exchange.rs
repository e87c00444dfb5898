//! `taizhang import …` and `taizhang export …`: spreadsheets in and out.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use taizhang_exchange::header::Field;
use taizhang_exchange::import::{
    commit_enterprises, commit_ledger, preview_enterprises, preview_ledger, CategoryChoice, CategoryMatch,
    ColumnChoice, ImportOptions, ImportPreview, Severity, UnitChoice,
};

use taizhang_exchange::export::{
    export_attachments, export_ledger_csv, export_ledger_xlsx, export_report_xlsx, ExportSummary,
};

use taizhang_ledger::OutputTarget;

use crate::args::Globals;
use crate::cmd::problems::ViewArgs;
use crate::cmd::{figures, monitoring_sheets, visit_sheet};
use crate::input::now;
use crate::messages::{catalog_text, CliError};
use crate::progress::Progress;
use crate::render::print;
use crate::session::Session;

#[derive(Subcommand)]
pub enum ImportCmd {
    /// A problem ledger (问题台账) from .xlsx, .xls or .csv.
    Ledger(ImportArgs),
    /// An enterprise list (企业名录) from .xlsx, .xls or .csv.
    Enterprises(ImportArgs),
    /// Key enterprises' monthly indicator sheet (重点企业主要经济指标月报) from .xlsx, .xls or
    /// .csv: one row per enterprise; all rows recorded or none.
    Indicators(monitoring_sheets::IndicatorImportArgs),
    /// A township's own visit sheet (走访记录) from .xlsx, .xls or .csv: one row per problem
    /// raised (a row without one records only the visit); every visit and problem recorded, or
    /// none. The blank sheet: `taizhang template visits`.
    Visits(visit_sheet::VisitImportArgs),
}

#[derive(Args)]
pub struct ImportArgs {
    file: PathBuf,
    /// The sheet to read (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// The header's row number, when detection picks the wrong one.
    #[arg(long, value_name = "ROW")]
    header_row: Option<u32>,
    /// Correct the column mapping: `C=lead_unit` (column letter = field key), `C=-` to ignore.
    #[arg(long = "column", value_name = "COL=FIELD")]
    columns: Vec<String>,
    /// Say which unit a name in the sheet means: `规划局=区自然资源局`, or `规划局=new` to create it.
    #[arg(long = "unit", value_name = "NAME=UNIT")]
    units: Vec<String>,
    /// Say which configured category a value of the sheet's category column means:
    /// `科创=市场开拓` (the category must be in the list or added with --add-category).
    #[arg(long = "category", value_name = "NAME=CATEGORY")]
    categories: Vec<String>,
    /// Add a category to the list in the same import (the office's settings change, in the
    /// import's transaction); a value of the sheet equal to it maps to it.
    #[arg(long = "add-category", value_name = "CATEGORY")]
    add_categories: Vec<String>,
    /// Show what would be imported; write nothing.
    #[arg(long)]
    dry_run: bool,
}

pub(crate) fn column_index(letters: &str) -> Option<u32> {
    let mut n: u32 = 0;
    for c in letters.trim().chars() {
        let c = c.to_ascii_uppercase();
        if !c.is_ascii_uppercase() {
            return None;
        }
        n = n.checked_mul(26)?.checked_add(c as u32 - 'A' as u32 + 1)?;
    }
    n.checked_sub(1)
}

pub(crate) fn field_of_key(key: &str) -> Option<Field> {
    serde_json::from_value(serde_json::Value::String(key.trim().to_string())).ok()
}

/// The `--column COL=FIELD` choices of a sheet import (`-` or nothing: the column is left out).
pub(crate) fn column_choices(given: &[String]) -> Result<Vec<ColumnChoice>, CliError> {
    let mut columns = Vec::new();
    for c in given {
        let (col, field) =
            c.split_once('=').ok_or_else(|| CliError::Usage(format!("--column takes COL=FIELD, not {c:?}")))?;
        let column = column_index(col).ok_or_else(|| CliError::Usage(format!("not a column letter: {col:?}")))?;
        let field = match field.trim() {
            "-" | "" => None,
            f => Some(field_of_key(f).ok_or_else(|| CliError::Usage(format!("unknown field {f:?}")))?),
        };
        columns.push(ColumnChoice { column, field });
    }
    Ok(columns)
}

/// A preview's 跳过 line: the rows a sheet import leaves out, each with its reason; nothing
/// when there are none.
pub(crate) fn write_skipped<'a>(
    o: &mut String,
    skipped: impl IntoIterator<Item = &'a taizhang_exchange::import::SkippedRow>,
) {
    use crate::render::escape;
    use std::fmt::Write as _;
    let rows: Vec<String> = skipped
        .into_iter()
        .map(|s| {
            let reason = catalog_text("import_skip", &s.reason)
                .unwrap_or_else(|| s.reason.clone())
                .replace("{detail}", &escape(&s.detail));
            format!("第{}行（{}）", s.row, reason)
        })
        .collect();
    if !rows.is_empty() {
        let _ = writeln!(o, "跳过：{}", rows.join("；"));
    }
}

fn options(s: &Session, a: &ImportArgs) -> Result<ImportOptions, CliError> {
    let columns = column_choices(&a.columns)?;
    let mut units = Vec::new();
    for u in &a.units {
        let (name, unit) =
            u.split_once('=').ok_or_else(|| CliError::Usage(format!("--unit takes NAME=UNIT, not {u:?}")))?;
        let unit_id = match unit.trim() {
            "new" | "新建" => None,
            key => Some(s.unit(key)?.id),
        };
        units.push(UnitChoice { name: name.trim().to_string(), unit_id });
    }
    let mut categories = Vec::new();
    for c in &a.categories {
        let (name, category) =
            c.split_once('=').ok_or_else(|| CliError::Usage(format!("--category takes NAME=CATEGORY, not {c:?}")))?;
        if name.trim().is_empty() || category.trim().is_empty() {
            return Err(CliError::Usage(format!("--category takes NAME=CATEGORY, not {c:?}")));
        }
        categories.push(CategoryChoice { name: name.trim().to_string(), category: category.trim().to_string() });
    }
    Ok(ImportOptions {
        sheet: a.sheet.clone(),
        header_row: a.header_row,
        columns,
        units,
        categories,
        add_categories: a.add_categories.clone(),
    })
}

pub fn import(g: &Globals, cmd: ImportCmd) -> Result<ExitCode, CliError> {
    let mut s = Session::open(g)?;
    let s = &mut s;
    let (ledger_kind, a) = match &cmd {
        ImportCmd::Ledger(a) => (true, a),
        ImportCmd::Enterprises(a) => (false, a),
        ImportCmd::Indicators(a) => return monitoring_sheets::import(s, a),
        ImportCmd::Visits(a) => return visit_sheet::import(s, a),
    };
    let opts = options(s, a)?;
    let t = now()?;
    let json = s.json;
    // Reading and checking the sheet has no count to show; writing counts the sheet's commands.
    let mut bar = Progress::new(json, "导入中", 500);
    bar.phase("读取并核对表格");
    if a.dry_run {
        let preview = if ledger_kind {
            preview_ledger(&s.ledger, &a.file, &opts, t)?
        } else {
            preview_enterprises(&s.ledger, &a.file, &opts, t)?
        };
        drop(bar);
        print(json, &preview, || render_preview(&preview, None));
        return Ok(if preview.can_commit { ExitCode::SUCCESS } else { ExitCode::FAILURE });
    }
    let actor = s.actor()?;
    let mut progress = |done: usize, total: usize| bar.update("写入台账", done as u64, total as u64);
    let outcome = if ledger_kind {
        commit_ledger(&mut s.ledger, &actor.user.id, &a.file, &opts, t, &mut progress)?
    } else {
        commit_enterprises(&mut s.ledger, &actor.user.id, &a.file, &opts, t, &mut progress)?
    };
    drop(bar);
    print(json, &outcome, || render_preview(&outcome.preview, Some(outcome.events)));
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn field_label(f: Option<Field>) -> String {
    match f {
        None => "（不导入）".into(),
        Some(f) => {
            let key = serde_json::to_value(f).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            catalog_text("import_fields", &key).unwrap_or(key)
        }
    }
}

/// The preview as an office clerk reads it; `events` is set once committed. Text from the
/// file (names, headers, cell values) is `escape`d: a sheet is hostile input too.
fn render_preview(p: &ImportPreview, events: Option<u64>) -> String {
    use crate::render::escape;
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(o, "文件：{}　工作表：{}　表头在第 {} 行", escape(&p.file), escape(&p.sheet), p.header_row);
    if p.sheets.len() > 1 {
        let _ = writeln!(o, "工作簿中的工作表：{}（用 --sheet 选择）", escape(&p.sheets.join("、")));
    }
    let _ = writeln!(o, "列对应（用 --column 列=字段 修改）：");
    for c in &p.columns {
        if c.header.is_empty() && c.field.is_none() {
            continue;
        }
        let how = match (c.matched, c.also) {
            (Some(m), also) => {
                let key = serde_json::to_value(m).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
                let how = catalog_text("import_match", &key).unwrap_or(key);
                match also {
                    Some(a) => format!("（{how}；另含“{}”，未导入）", field_label(Some(a))),
                    None => format!("（{how}）"),
                }
            }
            (None, _) => String::new(),
        };
        let _ =
            writeln!(o, "  {:>3} {} → {}{}", c.letter, escape(&c.header.replace('\n', " ")), field_label(c.field), how);
    }
    if !p.unimported.is_empty() {
        let _ = writeln!(o, "有数据但不导入的列（用 --column 列=字段 导入）：");
        for u in &p.unimported {
            let reason = catalog_text("import_unimported", &u.reason)
                .unwrap_or_else(|| u.reason.clone())
                .replace("{held_by}", u.held_by.as_deref().unwrap_or(""))
                .replace("{suggestion}", &field_label(u.suggestion));
            let hint = match u.suggestion {
                Some(f) => {
                    let key =
                        serde_json::to_value(f).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
                    format!("，可用 --column {}={key}", u.letter)
                }
                None => String::new(),
            };
            let _ = writeln!(
                o,
                "  {:>3} {}（{} 行有数据）：{}{}",
                u.letter,
                escape(&u.header.replace('\n', " ")),
                u.rows,
                reason,
                hint
            );
        }
    }
    if p.categories.iter().any(|c| c.matched != CategoryMatch::Exact) {
        let _ = writeln!(o, "类别对应（用 --category 原名=类别 修改，--add-category 类别 加入类别表）：");
        for c in p.categories.iter().filter(|c| c.matched != CategoryMatch::Exact) {
            let key =
                serde_json::to_value(c.matched).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            let how = catalog_text("import_category_match", &key).unwrap_or(key);
            let target = match &c.category {
                Some(t) => t.clone(),
                None if c.candidates.is_empty() => "？".into(),
                None => format!("？（可能是：{}）", c.candidates.join("、")),
            };
            let _ = writeln!(o, "  {} → {}（{}，{} 行）", escape(&c.value), escape(&target), how, c.rows);
        }
    }
    if !p.units.is_empty() {
        let _ = writeln!(o, "单位对应（用 --unit 名称=单位 修改）：");
        for u in &p.units {
            let target = match (&u.unit_name, u.create) {
                (Some(n), _) => escape(n),
                (None, _) => format!("新建（{}）", u.kind.label_zh()),
            };
            let _ = writeln!(o, "  {} → {}（{} 行）", escape(&u.name), target, u.rows);
        }
    }
    let kind_new = if p.statuses.is_empty() { "企业" } else { "问题" };
    let _ = writeln!(
        o,
        "数据行 {}：新增{} {}，更新 {}，已有（跳过）{}；新企业 {}，匹配到已有企业 {}",
        p.rows_read, kind_new, p.rows_new, p.rows_updated, p.rows_duplicate, p.enterprises_new, p.enterprises_matched
    );
    if !p.statuses.is_empty() {
        let parts: Vec<String> = p.statuses.iter().map(|s| format!("{} {}", s.status.label_zh(), s.count)).collect();
        let _ = writeln!(o, "导入后状态：{}", parts.join("，"));
    }
    write_skipped(&mut o, p.skipped.iter().filter(|s| s.reason != "duplicate"));
    let errors = p.issues.iter().filter(|i| i.severity == Severity::Error).count();
    let warnings = p.issues.len() - errors;
    if !p.issues.is_empty() {
        let _ = writeln!(o, "问题：错误 {errors} 处，提示 {warnings} 处");
        for i in &p.issues {
            let tag = if i.severity == Severity::Error { "错误" } else { "提示" };
            let msg = catalog_text("errors", &i.code).unwrap_or_else(|| i.code.clone());
            let col = if i.column.is_empty() { String::new() } else { format!("［{}］", i.column) };
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
            let _ = writeln!(o, "已导入：{} 行，写入事件 {} 个（一次事务）。", p.rows_new + p.rows_updated, n);
        }
        None if p.can_commit => {
            let _ = writeln!(o, "预览完毕，未写入。去掉 --dry-run 即导入。");
        }
        None => {
            let _ = writeln!(o, "有错误，不能导入；请修改表格或列对应后重试。");
        }
    }
    o
}

#[allow(clippy::large_enum_variant)] // parsed once per run
#[derive(Subcommand)]
pub enum ExportCmd {
    /// The ledger in the usual 台账 layout: `.xlsx`, or CSV (UTF-8 with BOM) when OUT ends in
    /// `.csv`. Takes the same filters and sort as `problems list`.
    Ledger {
        out: PathBuf,
        /// Replace OUT if it exists (never the ledger, a backup, a device or a folder).
        #[arg(long)]
        force: bool,
        /// Also write the photos and scans of the exported problems into this new folder, with
        /// 附件清单.csv listing each file's step, type, size and SHA-256.
        #[arg(long, value_name = "DIR")]
        attachments: Option<PathBuf>,
        #[command(flatten)]
        view: ViewArgs,
    },
    /// The periodic report workbook: summary, department scorecard, townships, categories and
    /// the overdue list for a 督办通报.
    Report {
        /// 2026-03, 2026-03-上旬 (or 2026-03-x1), 2026-Q1, 2026, 2026-01-01..2026-03-31, campaign.
        #[arg(long)]
        period: String,
        out: PathBuf,
        /// Replace OUT if it exists (never the ledger, a backup, a device or a folder).
        #[arg(long)]
        force: bool,
    },
    #[command(flatten)]
    Monitoring(monitoring_sheets::MonitoringExportCmd),
}

pub fn export(g: &Globals, cmd: ExportCmd) -> Result<ExitCode, CliError> {
    let mut s = Session::open(g)?;
    let s = &mut s;
    let json = s.json;
    let t = now()?;
    let mut bar = Progress::new(json, "导出中", 5000);
    let summary: ExportSummary = match cmd {
        ExportCmd::Ledger { out, force, attachments, view } => {
            let target = OutputTarget { path: &out, overwrite: force };
            let (filter, sort) = view.resolve(s)?;
            if let Some(dir) = attachments {
                bar.phase("导出附件");
                let files = export_attachments(&s.ledger, &filter, sort, t, &dir)?;
                if !json {
                    eprintln!(
                        "已导出附件 {} 个（{} 个问题）到 {}{}",
                        files.files,
                        files.problems,
                        crate::render::escape(&files.path),
                        if files.missing > 0 {
                            format!("；{} 个附件缺失，见附件清单", files.missing)
                        } else {
                            String::new()
                        }
                    );
                }
            }
            let csv = out.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            bar.phase("查询台账");
            // After the last row an .xlsx is still compressed and saved: say so rather than sit at 100 %.
            let mut progress = |done: u64, total: u64| {
                bar.update("写入行", done, total);
                if done >= total && total > 0 {
                    bar.phase("保存文件");
                }
            };
            if csv {
                export_ledger_csv(&s.ledger, &filter, sort, t, target, &mut progress)?
            } else {
                export_ledger_xlsx(&s.ledger, &filter, sort, t, target, &mut progress)?
            }
        }
        ExportCmd::Report { period, out, force } => {
            s.require("report", |c| c.report, taizhang_core::ForbiddenReason::ReportsOfficeAndLeaders)?;
            let p = figures::period(s, &period)?;
            bar.phase("汇总并写入报表");
            export_report_xlsx(&s.ledger, &p, t, OutputTarget { path: &out, overwrite: force })?
        }
        ExportCmd::Monitoring(c) => {
            drop(bar);
            let summary = monitoring_sheets::export(s, c)?;
            print(json, &summary, || format!("已导出 {} 行：{}\n", summary.rows, summary.path));
            return Ok(ExitCode::SUCCESS);
        }
    };
    drop(bar);
    print(json, &summary, || {
        let heads: Vec<String> =
            summary.chain_heads.iter().map(|h| format!("{}…", &h.head_hash[..16.min(h.head_hash.len())])).collect();
        format!(
            "已导出 {} 行：{}
链头：{}（凭此可与台账文件核对）
",
            summary.rows,
            summary.path,
            heads.join("、")
        )
    });
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_letters_read_back() {
        assert_eq!(super::column_index("A"), Some(0));
        assert_eq!(super::column_index("z"), Some(25));
        assert_eq!(super::column_index("AA"), Some(26));
        assert_eq!(super::column_index("1"), None);
    }
}

//! A township's own visit sheet (走访记录): one row per problem raised, the visit's columns
//! (企业名称 or 统一社会信用代码, 走访日期, 走访人, 走访方式, 走访情况) repeated on each row of
//! the same visit, or left blank under its first row (merged cells read that way); the problem's
//! columns (问题描述, 企业诉求, 问题类别, 紧急程度, 责任领导) as the registration form has them.
//! A row without a problem records only the visit.
//!
//! As the other imports, built from the same pieces (`SheetPlan`: header synonyms, the header
//! row, blank and footer rows, column corrections; `cells::parse_date`; `CategoryResolver`):
//! `preview_visits` plans from the file and says, row by row, what it will record and what is
//! wrong; `commit_visits` plans again and runs one `RecordVisit` per new visit and one
//! `Register` per problem (the registration form's commands, decided by the core, one chained
//! event each) in one transaction: every row or none. Only enterprises the user may register
//! for are accepted (the core's `may_register`: a township official's own township). A visit
//! already in the ledger (same enterprise, date and visitors) is not recorded again, and a
//! problem already registered from it with the same description is skipped, so importing a
//! sheet twice adds nothing.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use taizhang_core::credit_code::{check_credit_code, normalize_credit_code, CreditCodeCheck};
use taizhang_core::model::*;
use taizhang_core::workflow::{capabilities, may_register, MAX_SHORT, MAX_TEXT};
use taizhang_core::{Command, DomainError, ForbiddenReason};
use taizhang_ledger::{new_id, Ledger, VisitOfFile};

use super::categories::CategoryResolver;
use super::plan::{cell, SheetPlan};
use super::{
    CategoryChoice, CategoryMapping, ColumnChoice, ColumnMapping, ImportError, ImportOptions, RowIssue, Severity,
    SkippedRow, UnimportedColumn,
};
use crate::cells::parse_date;
use crate::header::Field;

/// What the user chose (in the dialog or on the command line); empty means "as detected".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct VisitImportOptions {
    pub sheet: Option<String>,
    /// 1-based row number of the header row, when detection picked the wrong one.
    pub header_row: Option<u32>,
    /// Column corrections: which field a column holds (`None` ignores the column).
    pub columns: Vec<ColumnChoice>,
    /// Which listed category a value of the sheet's 问题类别 column means.
    pub categories: Vec<CategoryChoice>,
}

/// What a row of the sheet will do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum VisitRowResult {
    /// Records a new visit and registers the problem raised at it.
    VisitAndProblem,
    /// Records a new visit with no problem.
    Visit,
    /// Registers a problem raised at a visit recorded by an earlier row or already in the ledger.
    Problem,
    /// Nothing new: the visit is in the ledger and the problem registered from it (or there is
    /// none), or the same problem is on an earlier row of the visit.
    AlreadyThere,
    /// Cannot be imported (see the row's issues); the whole sheet waits for it.
    Error,
}

/// One data row as understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct VisitSheetRow {
    pub row: u32,
    pub enterprise_id: Option<Id>,
    /// The enterprise's name in the ledger, else as the sheet writes it.
    pub enterprise_name: String,
    pub date: Option<NaiveDate>,
    pub visitors: String,
    pub form: Option<VisitForm>,
    /// Which of the sheet's visits the row belongs to (1-based, in the order first met).
    pub visit: Option<u32>,
    pub description: String,
    pub category: Option<String>,
    pub result: VisitRowResult,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct VisitImportPreview {
    pub file: String,
    pub sheet: String,
    pub sheets: Vec<String>,
    pub header_row: u32,
    pub columns: Vec<ColumnMapping>,
    /// Columns holding data that will not be imported, each with a suggestion.
    pub unimported: Vec<UnimportedColumn>,
    /// The category column's values, grouped.
    pub categories: Vec<CategoryMapping>,
    /// Data rows under the header, blank and footer rows included.
    pub rows_read: u32,
    pub rows: Vec<VisitSheetRow>,
    pub visits_new: u32,
    /// Visits of the sheet already in the ledger (not recorded again).
    pub visits_known: u32,
    pub problems_new: u32,
    /// Problems skipped as already registered (from the ledger's visit or an earlier row).
    pub problems_known: u32,
    pub skipped: Vec<SkippedRow>,
    pub issues: Vec<RowIssue>,
    /// No row has an error.
    pub can_commit: bool,
    pub file_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct VisitImportOutcome {
    pub preview: VisitImportPreview,
    #[ts(type = "number")]
    pub events: u64,
}

/// Every code this import gives a row or the sheet, besides the shared `import.row.*` ones it
/// reuses (bad and future dates, lengths, credit codes, the missing column).
pub const VISIT_IMPORT_CODES: &[&str] = &[
    "import.visits.unknown_enterprise",
    "import.visits.other_township",
    "import.visits.missing_date",
    "import.visits.missing_visitors",
    "import.visits.missing_category",
    "import.visits.unmapped_category",
    "import.visits.bad_form",
    "import.visits.bad_priority",
    "import.row.missing_enterprise",
    "import.row.missing_description",
];

/// The fields a visit sheet reads; a column holding another is listed as not imported.
const READ: &[Field] = &[
    Field::Enterprise,
    Field::CreditCode,
    Field::RaisedOn,
    Field::Visitors,
    Field::VisitForm,
    Field::VisitNotes,
    Field::Description,
    Field::Demand,
    Field::Category,
    Field::Priority,
    Field::ResponsibleLeader,
];

/// The columns that say which visit a row belongs to: a row with all of them blank continues
/// the visit of the row above (a merged cell, or a sheet that writes the visit once).
const VISIT_FIELDS: &[Field] =
    &[Field::Enterprise, Field::CreditCode, Field::RaisedOn, Field::Visitors, Field::VisitForm];

/// A row whose enterprise cell starts so is the template's example, not data.
pub const EXAMPLE_MARK: &str = "示例";

/// Reads and checks the file as `user` would import it, without writing anything.
pub fn preview_visits(
    ledger: &Ledger,
    user: &str,
    path: &Path,
    opts: &VisitImportOptions,
    now: DateTime<Utc>,
) -> Result<VisitImportPreview, ImportError> {
    Ok(plan(ledger, user, path, opts, now)?.preview)
}

/// Imports the file as `user`: every new visit and problem in one transaction, or nothing.
pub fn commit_visits(
    ledger: &mut Ledger,
    user: &str,
    path: &Path,
    opts: &VisitImportOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<VisitImportOutcome, ImportError> {
    let planned = plan(ledger, user, path, opts, now)?;
    let events =
        super::run_planned(ledger, user, &planned.preview.issues, &planned.commands, &planned.rows, now, progress)?;
    Ok(VisitImportOutcome { preview: planned.preview, events })
}

fn parse_form(text: &str) -> Option<VisitForm> {
    let t = text.trim();
    VisitForm::parse(t).or_else(|| {
        if t.contains("电话") {
            Some(VisitForm::Phone)
        } else if t.contains("座谈") || t.contains("会议") {
            Some(VisitForm::Forum)
        } else if ["线上", "视频", "网络", "微信", "在线"].iter().any(|w| t.contains(w)) {
            Some(VisitForm::Online)
        } else if ["实地", "上门", "现场", "入企", "走访"].iter().any(|w| t.contains(w)) {
            Some(VisitForm::OnSite)
        } else {
            None
        }
    })
}

fn parse_priority(text: &str) -> Option<Priority> {
    let t = text.trim();
    Priority::parse(t).or(match t {
        "普通" | "一般问题" | "否" => Some(Priority::Normal),
        "急" | "紧急问题" | "较急" => Some(Priority::Urgent),
        "重大问题" | "特急" => Some(Priority::Major),
        _ => None,
    })
}

/// Visitors and descriptions as compared: no spaces, and the separators people use between
/// names taken as one ("张三、李四" = "张三，李四" = "张三 李四").
fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if matches!(c, '，' | ',' | '；' | ';' | '/' | '／') { '、' } else { c })
        .collect()
}

/// A visit of the sheet: the rows that name it, and whether the ledger has it already.
struct SheetVisit {
    enterprise: Enterprise,
    date: NaiveDate,
    visitors: String,
    form: VisitForm,
    notes: Vec<String>,
    /// The visit already in the ledger, and the descriptions of the problems raised at it.
    known: Option<(Id, Vec<String>)>,
    /// Compact descriptions of the problems its rows register, with the row of each.
    problems: Vec<(String, u32)>,
    id: Id,
}

/// A row that passed its checks.
struct GoodRow {
    row: u32,
    visit: usize,
    problem: Option<Draft>,
}

struct Draft {
    description: String,
    demand: String,
    category: String,
    priority: Priority,
    responsible_leader: String,
}

struct Planned {
    preview: VisitImportPreview,
    commands: Vec<Command>,
    rows: Vec<Option<u32>>,
}

fn plan(
    ledger: &Ledger,
    user: &str,
    path: &Path,
    opts: &VisitImportOptions,
    now: DateTime<Utc>,
) -> Result<Planned, ImportError> {
    let actor = ledger.actor(user)?;
    if !capabilities(actor.user.role).register {
        let refused = DomainError::forbidden(&actor.user.login, "import visits", ForbiddenReason::TownshipOrOffice);
        return Err(ImportError::Ledger(refused.into()));
    }
    let shared = ImportOptions {
        sheet: opts.sheet.clone(),
        header_row: opts.header_row,
        columns: opts.columns.clone(),
        categories: opts.categories.clone(),
        ..ImportOptions::default()
    };
    let mut sp = SheetPlan::open(path, &shared)?;
    let named = sp.header.column(Field::Enterprise).is_some() || sp.header.column(Field::CreditCode).is_some();
    let mut complete = sp.require(&[Field::RaisedOn, Field::Visitors]);
    if !named {
        complete &= sp.require(&[Field::Enterprise]);
    }
    let settings = ledger.settings()?;
    let header_row = sp.header.row as u32 + 1;
    for choice in &opts.categories {
        if !settings.categories.iter().any(|c| c == choice.category.trim()) {
            sp.issues.push(RowIssue {
                row: header_row,
                column: String::new(),
                value: format!("{}={}", choice.name.trim(), choice.category.trim()),
                code: "import.category_not_listed".into(),
                severity: Severity::Error,
            });
        }
    }
    let mut categories = CategoryResolver::new(&settings.categories, Vec::new(), &opts.categories);
    let today = local_date(now);
    let header = sp.header.clone();

    let mut out_rows: Vec<VisitSheetRow> = Vec::new();
    let mut good: Vec<GoodRow> = Vec::new();
    let mut visits: Vec<SheetVisit> = Vec::new();
    let mut visit_by_key: BTreeMap<(Id, NaiveDate, String, VisitForm), usize> = BTreeMap::new();
    let mut found: BTreeMap<(Option<String>, String), Option<Enterprise>> = BTreeMap::new();
    let mut ledger_visits: BTreeMap<Id, Vec<VisitOfFile>> = BTreeMap::new();
    let mut above: Option<Vec<String>> = None;

    let rows = if complete { sp.data_rows() } else { Vec::new() };
    for (row, mut cells) in rows {
        // A row with no visit cells continues the visit of the row above.
        if VISIT_FIELDS.iter().all(|f| cell(&header, &cells, *f).trim().is_empty()) {
            if let Some(prev) = &above {
                for f in VISIT_FIELDS {
                    if let Some(c) = header.column(*f) {
                        if cells.len() <= c {
                            cells.resize(c + 1, String::new());
                        }
                        cells[c] = prev.get(c).cloned().unwrap_or_default();
                    }
                }
            }
        }
        above = Some(cells.clone());
        let get = |f: Field| cell(&header, &cells, f).trim().to_string();
        let name = get(Field::Enterprise);
        if name.starts_with(EXAMPLE_MARK) {
            sp.skipped.push(SkippedRow { row, reason: "example".into(), detail: name });
            continue;
        }
        let errors_before = sp.errors();

        // The enterprise: credit code, then exact name; it must be one the user registers for.
        let raw_code = get(Field::CreditCode);
        let mut code = Some(normalize_credit_code(&raw_code)).filter(|c| !c.is_empty());
        if let Some(c) = &code {
            match check_credit_code(c) {
                CreditCodeCheck::Valid => {}
                CreditCodeCheck::BadCheckChar { .. } => {
                    sp.issue(row, Field::CreditCode, &raw_code, "import.row.credit_code_check", Severity::Warning)
                }
                CreditCodeCheck::Malformed { .. } => {
                    sp.issue(row, Field::CreditCode, &raw_code, "import.row.credit_code_malformed", Severity::Warning);
                    code = None;
                }
            }
        }
        let enterprise = if name.is_empty() && code.is_none() {
            sp.issue(row, Field::Enterprise, "", "import.row.missing_enterprise", Severity::Error);
            None
        } else {
            let key = (code.clone(), name.clone());
            let e = match found.get(&key) {
                Some(e) => e.clone(),
                None => {
                    let by_code = match &code {
                        Some(c) => ledger.find_enterprise(c)?.filter(|e| e.credit_code.as_deref() == Some(c.as_str())),
                        None => None,
                    };
                    let e = match by_code {
                        Some(e) => Some(e),
                        None if !name.is_empty() => ledger.find_enterprise(&name)?.filter(|e| e.name == name),
                        None => None,
                    };
                    found.insert(key, e.clone());
                    e
                }
            };
            match e {
                None => {
                    let (field, shown) =
                        if name.is_empty() { (Field::CreditCode, &raw_code) } else { (Field::Enterprise, &name) };
                    sp.issue(row, field, shown, "import.visits.unknown_enterprise", Severity::Error);
                    None
                }
                Some(e) => match may_register(&actor, &e.township_id) {
                    Ok(()) => Some(e),
                    Err(DomainError::WrongTownship) => {
                        sp.issue(row, Field::Enterprise, &e.name, "import.visits.other_township", Severity::Error);
                        None
                    }
                    Err(other) => {
                        sp.issue(row, Field::Enterprise, &e.name, other.code(), Severity::Error);
                        None
                    }
                },
            }
        };

        // The visit: its date (not after today), who went, how.
        let date_text = get(Field::RaisedOn);
        let date = match parse_date(&date_text) {
            _ if date_text.is_empty() => {
                sp.issue(row, Field::RaisedOn, "", "import.visits.missing_date", Severity::Error);
                None
            }
            Some(d) if d > today => {
                sp.issue(row, Field::RaisedOn, &date_text, "import.row.future_date", Severity::Error);
                None
            }
            Some(d) => Some(d),
            None => {
                sp.issue(row, Field::RaisedOn, &date_text, "import.row.bad_date", Severity::Error);
                None
            }
        };
        let visitors = get(Field::Visitors);
        if visitors.is_empty() {
            sp.issue(row, Field::Visitors, "", "import.visits.missing_visitors", Severity::Error);
        }
        let form_text = get(Field::VisitForm);
        let form = if form_text.is_empty() {
            VisitForm::OnSite
        } else {
            parse_form(&form_text).unwrap_or_else(|| {
                sp.issue(row, Field::VisitForm, &form_text, "import.visits.bad_form", Severity::Warning);
                VisitForm::OnSite
            })
        };

        // The problem, when the row raises one: as the registration form asks it.
        let mut description = get(Field::Description);
        let demand = get(Field::Demand);
        if description.is_empty() {
            // A sheet that writes only the enterprise's 诉求 registers it as the problem too.
            description = demand.clone();
        }
        let category_text = get(Field::Category);
        let priority_text = get(Field::Priority);
        let leader = get(Field::ResponsibleLeader);
        let raises = !description.is_empty() || !category_text.is_empty() || !leader.is_empty();
        let mut category = None;
        if raises {
            if description.is_empty() {
                sp.issue(row, Field::Description, "", "import.row.missing_description", Severity::Error);
            }
            if category_text.is_empty() {
                sp.issue(row, Field::Category, "", "import.visits.missing_category", Severity::Error);
            } else {
                category = categories.resolve(&category_text);
                if category.is_none() {
                    sp.issue(row, Field::Category, &category_text, "import.visits.unmapped_category", Severity::Error);
                }
            }
        }
        let priority = match parse_priority(&priority_text) {
            Some(p) => p,
            None => {
                if !priority_text.is_empty() {
                    sp.issue(row, Field::Priority, &priority_text, "import.visits.bad_priority", Severity::Warning);
                }
                Priority::Normal
            }
        };
        // What the core would refuse as too long is named here, in the preview.
        for (field, max) in [
            (Field::Visitors, MAX_SHORT),
            (Field::ResponsibleLeader, MAX_SHORT),
            (Field::VisitNotes, MAX_TEXT),
            (Field::Description, MAX_TEXT),
            (Field::Demand, MAX_TEXT),
        ] {
            let v = get(field);
            if v.chars().count() > max {
                let shown: String = v.chars().take(40).chain("…".chars()).collect();
                sp.issue(row, field, &shown, "import.row.too_long", Severity::Error);
            }
        }

        let mut line = VisitSheetRow {
            row,
            enterprise_id: enterprise.as_ref().map(|e| e.id.clone()),
            enterprise_name: enterprise.as_ref().map(|e| e.name.clone()).unwrap_or_else(|| name.clone()),
            date,
            visitors: visitors.clone(),
            form: Some(form),
            visit: None,
            description: description.clone(),
            category: category.clone(),
            result: VisitRowResult::Error,
        };
        let (Some(e), Some(date)) = (enterprise, date) else {
            out_rows.push(line);
            continue;
        };
        if sp.errors() > errors_before {
            out_rows.push(line);
            continue;
        }

        // Which visit: the same enterprise, date, visitors and form as an earlier row, else new.
        let key = (e.id.clone(), date, compact(&visitors), form);
        let index = match visit_by_key.get(&key) {
            Some(i) => *i,
            None => {
                if !ledger_visits.contains_key(&e.id) {
                    ledger_visits.insert(e.id.clone(), ledger.visits_of(&e.id)?);
                }
                let known = ledger_visits[&e.id]
                    .iter()
                    .find(|v| v.visit.date == date && compact(&v.visit.visitors) == key.2)
                    .map(|v| (v.visit.id.clone(), v.problems.iter().map(|p| compact(&p.description)).collect()));
                visits.push(SheetVisit {
                    enterprise: e,
                    date,
                    visitors: visitors.clone(),
                    form,
                    notes: Vec::new(),
                    known,
                    problems: Vec::new(),
                    id: new_id(now),
                });
                visit_by_key.insert(key, visits.len() - 1);
                visits.len() - 1
            }
        };
        let first_row_of_visit = !good.iter().any(|g| g.visit == index);
        let v = &mut visits[index];
        let notes = get(Field::VisitNotes);
        if !notes.is_empty() && !v.notes.contains(&notes) {
            v.notes.push(notes);
        }
        line.visit = Some(index as u32 + 1);
        let problem = match category {
            Some(category) if raises => {
                let c = compact(&description);
                let earlier = v.problems.iter().find(|(d, _)| *d == c).map(|(_, r)| *r);
                if v.known.as_ref().is_some_and(|(_, ps)| ps.contains(&c)) {
                    let detail = format!("{} {}", v.date, v.visitors);
                    sp.skipped.push(SkippedRow { row, reason: "duplicate".into(), detail });
                    None
                } else if let Some(first) = earlier {
                    sp.skipped.push(SkippedRow { row, reason: "duplicate_in_file".into(), detail: first.to_string() });
                    None
                } else {
                    v.problems.push((c, row));
                    Some(Draft { description, demand, category, priority, responsible_leader: leader })
                }
            }
            _ => None,
        };
        line.result = match (&problem, v.known.is_some() || !first_row_of_visit) {
            (Some(_), false) => VisitRowResult::VisitAndProblem,
            (None, false) => VisitRowResult::Visit,
            (Some(_), true) => VisitRowResult::Problem,
            (None, true) => VisitRowResult::AlreadyThere,
        };
        out_rows.push(line);
        good.push(GoodRow { row, visit: index, problem });
    }

    // Commands in the sheet's order: a visit before the first problem raised at it.
    let mut commands = Vec::new();
    let mut rows = Vec::new();
    let mut recorded = vec![false; visits.len()];
    let mut problems_new = 0u32;
    for g in &good {
        let v = &visits[g.visit];
        let visit_id = match &v.known {
            Some((id, _)) => id.clone(),
            None => {
                if !recorded[g.visit] {
                    recorded[g.visit] = true;
                    commands.push(Command::RecordVisit {
                        visit: Visit {
                            id: v.id.clone(),
                            enterprise_id: v.enterprise.id.clone(),
                            township_id: v.enterprise.township_id.clone(),
                            date: v.date,
                            visitors: v.visitors.clone(),
                            form: v.form,
                            notes: v.notes.join("\n"),
                        },
                    });
                    rows.push(Some(g.row));
                }
                v.id.clone()
            }
        };
        if let Some(p) = &g.problem {
            problems_new += 1;
            commands.push(Command::Register {
                problem_id: new_id(now),
                enterprise_id: Some(v.enterprise.id.clone()),
                new_enterprise: None,
                visit_id: Some(visit_id),
                source: Source::Visit,
                category: p.category.clone(),
                description: p.description.clone(),
                demand: p.demand.clone(),
                raised_on: v.date,
                priority: p.priority,
                responsible_leader: p.responsible_leader.clone(),
                origin: None,
                attachments: Vec::new(),
            });
            rows.push(Some(g.row));
        }
    }
    let problems_known =
        sp.skipped.iter().filter(|s| s.reason == "duplicate" || s.reason == "duplicate_in_file").count() as u32;
    let errors = sp.errors();
    let preview = VisitImportPreview {
        file: sp.file.clone(),
        sheet: sp.workbook.sheet.name.clone(),
        sheets: sp.workbook.sheet_names.clone(),
        header_row,
        columns: sp.columns.clone(),
        unimported: sp.unimported(READ, &shared),
        categories: categories.finish(),
        rows_read: sp.rows_read(),
        rows: out_rows,
        visits_new: visits.iter().filter(|v| v.known.is_none()).count() as u32,
        visits_known: visits.iter().filter(|v| v.known.is_some()).count() as u32,
        problems_new,
        problems_known,
        skipped: std::mem::take(&mut sp.skipped),
        issues: std::mem::take(&mut sp.issues),
        can_commit: errors == 0,
        file_sha256: sp.file_sha256.clone(),
    };
    Ok(Planned { preview, commands, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visit_forms_are_read_as_townships_write_them() {
        for (text, want) in [
            ("实地走访", Some(VisitForm::OnSite)),
            ("上门走访", Some(VisitForm::OnSite)),
            ("入企走访", Some(VisitForm::OnSite)),
            ("座谈会", Some(VisitForm::Forum)),
            ("政企座谈", Some(VisitForm::Forum)),
            ("电话回访", Some(VisitForm::Phone)),
            ("phone", Some(VisitForm::Phone)),
            ("视频连线", Some(VisitForm::Online)),
            ("微信沟通", Some(VisitForm::Online)),
            ("书面", None),
        ] {
            assert_eq!(parse_form(text), want, "{text}");
        }
    }

    #[test]
    fn priorities_take_the_labels_and_common_words() {
        assert_eq!(parse_priority("紧急"), Some(Priority::Urgent));
        assert_eq!(parse_priority(" 重大 "), Some(Priority::Major));
        assert_eq!(parse_priority("普通"), Some(Priority::Normal));
        assert_eq!(parse_priority("major"), Some(Priority::Major));
        assert_eq!(parse_priority("很急"), None);
    }

    #[test]
    fn visitors_compare_whatever_separates_the_names() {
        assert_eq!(compact("张三、李四"), compact("张三，李四"));
        assert_eq!(compact("张三, 李四"), compact("张三；李四"));
        assert_eq!(compact(" 张三 "), "张三");
        assert_ne!(compact("张三、李四"), compact("张三"));
    }
}

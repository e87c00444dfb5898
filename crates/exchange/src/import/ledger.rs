//! Importing a problem ledger (问题台账): one `ImportProblem` command per row, after the units
//! and enterprises the rows name.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use taizhang_core::credit_code::{check_credit_code, normalize_credit_code, CreditCodeCheck};
use taizhang_core::import::{
    fitting_status, parse_done, parse_satisfaction, ImportOrigin, ImportedProblem, SheetStatusFacts,
};
use taizhang_core::model::*;
use taizhang_core::workflow::{MAX_SHORT, MAX_TEXT};
use taizhang_core::Command;
use taizhang_ledger::{new_id, Ledger};

use super::categories::CategoryResolver;
use super::plan::{cell, SheetPlan};
use super::units::UnitResolver;
use super::{ImportError, ImportKind, ImportOptions, ImportOutcome, ImportPreview, Severity, SkippedRow, StatusCount};
use crate::cells::{parse_date, parse_time_limit, split_units, TimeLimit};
use crate::header::Field;

type UnitKey = (UnitKind, String);

enum EnterpriseRef {
    Existing(Box<Enterprise>),
    New(usize),
}

struct NewEnterprise {
    name: String,
    credit_code: Option<String>,
    township: UnitKey,
    contact: String,
    phone: String,
}

struct ParsedRow {
    row: u32,
    enterprise: EnterpriseRef,
    lead: Option<UnitKey>,
    supporters: Vec<UnitKey>,
    problem: ImportedProblem,
}

pub(super) struct Planned {
    pub preview: ImportPreview,
    pub commands: Vec<Command>,
    /// The sheet row each command came from (`None` for units and enterprises).
    pub rows: Vec<Option<u32>>,
}

/// Reads and checks the file without writing anything.
pub fn preview_ledger(
    ledger: &Ledger,
    path: &Path,
    opts: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<ImportPreview, ImportError> {
    Ok(plan(ledger, path, opts, now)?.preview)
}

/// Imports the file as `user`: every new row, or nothing.
pub fn commit_ledger(
    ledger: &mut Ledger,
    user: &str,
    path: &Path,
    opts: &ImportOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportOutcome, ImportError> {
    let planned = plan(ledger, path, opts, now)?;
    super::commit(ledger, user, planned, now, progress)
}

fn content_key(enterprise: &str, description: &str) -> String {
    let norm = |s: &str| s.chars().filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation()).collect::<String>();
    let digest = Sha256::digest(format!("{}\u{1f}{}", norm(enterprise), norm(description)).as_bytes());
    format!("text:{}", &hex::encode(digest)[..32])
}

fn parse_source(text: &str) -> Option<Source> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    Source::parse(t).or_else(|| {
        Some(if t.contains("走访") {
            Source::Visit
        } else if t.contains("座谈") {
            Source::Forum
        } else if t.contains("12345") || t.contains("热线") {
            Source::Hotline
        } else if t.contains("来函") || t.contains("来信") {
            Source::Letter
        } else {
            Source::Other
        })
    })
}

/// A date inside a cell such as "是（2026-04-30）" or "延期至2026年4月30日".
fn date_inside(text: &str) -> Option<NaiveDate> {
    if let Some(d) = parse_date(text) {
        return Some(d);
    }
    let chars: Vec<char> = text.chars().collect();
    for start in 0..chars.len() {
        if !chars[start].is_ascii_digit() || (start > 0 && chars[start - 1].is_ascii_digit()) {
            continue;
        }
        for end in (start + 8..=chars.len().min(start + 11)).rev() {
            let candidate: String = chars[start..end].iter().collect();
            if let Some(d) = parse_date(&candidate) {
                return Some(d);
            }
        }
    }
    None
}

/// The fields a problem ledger import reads; a column holding another is listed as not imported.
const READ: &[Field] = &[
    Field::Number,
    Field::Enterprise,
    Field::CreditCode,
    Field::Township,
    Field::Contact,
    Field::Phone,
    Field::Source,
    Field::Category,
    Field::Description,
    Field::Demand,
    Field::RaisedOn,
    Field::AssignedOn,
    Field::LeadUnit,
    Field::SupportUnits,
    Field::ResponsibleLeader,
    Field::Handler,
    Field::TimeLimit,
    Field::SignedOn,
    Field::Progress,
    Field::Result,
    Field::Extension,
    Field::ResolvedOn,
    Field::Satisfaction,
    Field::ClosedOn,
    Field::Done,
    Field::Status,
];

/// The categories the import adds, trimmed, without repeats or ones already listed; a bad name
/// or a mapping to a category that is neither listed nor added is an error on the header row.
fn check_categories(sp: &mut SheetPlan, opts: &ImportOptions, configured: &[String]) -> Vec<String> {
    let row = sp.header.row as u32 + 1;
    let mut added: Vec<String> = Vec::new();
    for a in &opts.add_categories {
        let a = a.trim();
        if a.is_empty() || a.chars().count() > MAX_SHORT {
            sp.issues.push(super::RowIssue {
                row,
                column: String::new(),
                value: a.to_string(),
                code: "import.bad_category_name".into(),
                severity: Severity::Error,
            });
        } else if !configured.iter().any(|c| c == a) && !added.iter().any(|c| c == a) {
            added.push(a.to_string());
        }
    }
    for choice in &opts.categories {
        let c = choice.category.trim();
        if !configured.iter().any(|x| x == c) && !added.iter().any(|x| x == c) {
            sp.issues.push(super::RowIssue {
                row,
                column: String::new(),
                value: format!("{}={}", choice.name.trim(), c),
                code: "import.category_not_listed".into(),
                severity: Severity::Error,
            });
        }
    }
    added
}

pub(super) fn plan(
    ledger: &Ledger,
    path: &Path,
    opts: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<Planned, ImportError> {
    let mut sp = SheetPlan::open(path, opts)?;
    let complete = sp.require(&[Field::Enterprise, Field::Description]);
    let units = ledger.units()?;
    let settings = ledger.settings()?;
    let calendar = ledger.calendar()?;
    let today = local_date(now);
    let mut resolver = UnitResolver::new(&units, &opts.units);
    let added = check_categories(&mut sp, opts, &settings.categories);
    let mut category_resolver = CategoryResolver::new(&settings.categories, added.clone(), &opts.categories);
    let fallback_category = settings
        .categories
        .iter()
        .find(|c| c.as_str() == "其他")
        .or(settings.categories.last())
        .cloned()
        .unwrap_or_else(|| "其他".into());
    let mut new_enterprises: Vec<NewEnterprise> = Vec::new();
    let mut new_by_key: BTreeMap<String, usize> = BTreeMap::new();
    let mut enterprises_matched: BTreeMap<Id, ()> = BTreeMap::new();
    let mut seen_keys: BTreeMap<String, u32> = BTreeMap::new();
    // The ledger's enterprise for a (credit code, name): a sheet names a few hundred
    // enterprises over its many rows.
    let mut found_by_key: BTreeMap<(Option<String>, String), Option<Enterprise>> = BTreeMap::new();
    let mut parsed: Vec<ParsedRow> = Vec::new();
    let mut duplicates = 0u32;
    let sheet_name = sp.workbook.sheet.name.clone();
    let file = sp.file.clone();
    let file_sha256 = sp.file_sha256.clone();
    let header = sp.header.clone();
    let done_means_closed = sp.header_text(Field::Done).contains("销号");

    let rows = if complete { sp.data_rows() } else { Vec::new() };
    for (row, cells) in rows {
        let get = |f: Field| cell(&header, &cells, f).to_string();
        let errors_before = sp.errors();
        let name = get(Field::Enterprise);
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
        if name.is_empty() && code.is_none() {
            sp.issue(row, Field::Enterprise, "", "import.row.missing_enterprise", Severity::Error);
        }
        let description = get(Field::Description);
        if description.is_empty() {
            sp.issue(row, Field::Description, "", "import.row.missing_description", Severity::Error);
        }

        // Dates: a cell that holds something that is not a date is an error, not a guess.
        let date = |f: Field, sp: &mut SheetPlan| -> Option<NaiveDate> {
            let text = cell(&header, &cells, f);
            if text.is_empty() {
                return None;
            }
            match parse_date(text) {
                Some(d) if d > today => {
                    sp.issue(row, f, text, "import.row.future_date", Severity::Error);
                    None
                }
                Some(d) => Some(d),
                None => {
                    sp.issue(row, f, text, "import.row.bad_date", Severity::Error);
                    None
                }
            }
        };
        let raised = date(Field::RaisedOn, &mut sp);
        let assigned_on = date(Field::AssignedOn, &mut sp);
        let signed_on = date(Field::SignedOn, &mut sp);
        let resolved_on = date(Field::ResolvedOn, &mut sp);
        let closed_on = date(Field::ClosedOn, &mut sp);
        let raised_on = match raised.or(assigned_on) {
            Some(d) => d,
            None => {
                if get(Field::RaisedOn).is_empty() {
                    sp.issue(row, Field::RaisedOn, "", "import.row.missing_raised_on", Severity::Warning);
                }
                today
            }
        };

        // Units: the first of several leads leads, the others support.
        let mut leads = split_units(&get(Field::LeadUnit));
        if leads.len() > 1 {
            sp.issue(row, Field::LeadUnit, &get(Field::LeadUnit), "import.row.several_leads", Severity::Warning);
        }
        let lead_name = if leads.is_empty() { None } else { Some(leads.remove(0)) };
        let mut supporter_names = leads;
        for s in split_units(&get(Field::SupportUnits)) {
            if Some(&s) != lead_name.as_ref() && !supporter_names.contains(&s) {
                supporter_names.push(s);
            }
        }

        if lead_name.is_none() && !supporter_names.is_empty() {
            sp.issue(
                row,
                Field::SupportUnits,
                &get(Field::SupportUnits),
                "import.row.supporters_without_lead",
                Severity::Error,
            );
        }
        // What the core would refuse as too long is named here, in the preview.
        for (field, max) in [
            (Field::Enterprise, MAX_SHORT),
            (Field::Number, 60),
            (Field::Township, MAX_SHORT),
            (Field::ResponsibleLeader, MAX_SHORT),
            (Field::Handler, MAX_SHORT),
            (Field::Description, MAX_TEXT),
            (Field::Demand, MAX_TEXT),
        ] {
            let v = get(field);
            if v.trim().chars().count() > max {
                let shown: String = v.chars().take(40).chain("…".chars()).collect();
                sp.issue(row, field, &shown, "import.row.too_long", Severity::Error);
            }
        }
        if lead_name.iter().chain(supporter_names.iter()).any(|n| n.chars().count() > MAX_SHORT) {
            sp.issue(row, Field::LeadUnit, "", "import.row.too_long", Severity::Error);
        }

        // The deadline in force: an extension's new date, else the time limit.
        let base = assigned_on.unwrap_or(raised_on);
        let limit_text = get(Field::TimeLimit);
        let mut handling_deadline = match parse_time_limit(&limit_text) {
            Some(TimeLimit::Date(d)) => Some(d),
            Some(TimeLimit::WorkingDays(n)) => Some(calendar.add_working_days(base, n)),
            Some(TimeLimit::CalendarDays(n)) => base.checked_add_signed(Duration::days(n as i64)),
            None if limit_text.is_empty() => None,
            None => {
                sp.issue(row, Field::TimeLimit, &limit_text, "import.row.bad_time_limit", Severity::Error);
                None
            }
        };
        if let Some(d) = date_inside(&get(Field::Extension)) {
            handling_deadline = Some(d);
        }

        // Status: the most advanced fact the sheet states.
        let status_text = get(Field::Status);
        let stated = Status::parse(&status_text);
        let done = parse_done(&get(Field::Done)).or_else(|| parse_done(&status_text));
        let satisfaction_text = get(Field::Satisfaction);
        let satisfaction = parse_satisfaction(&satisfaction_text);
        if satisfaction.is_none() && !satisfaction_text.is_empty() {
            sp.issue(row, Field::Satisfaction, &satisfaction_text, "import.row.bad_satisfaction", Severity::Warning);
        }
        let closed = closed_on.is_some()
            || stated == Some(Status::Closed)
            || status_text.contains("销号") && done == Some(true)
            || done_means_closed && done == Some(true);
        let resolved = resolved_on.is_some() || done == Some(true) || stated == Some(Status::Resolved);
        let facts = SheetStatusFacts {
            has_lead: lead_name.is_some(),
            signed: signed_on.is_some() || stated == Some(Status::InProgress),
            has_progress: !get(Field::Progress).is_empty(),
            resolved,
            closed,
            satisfaction,
        };
        let status = match stated {
            Some(Status::Withdrawn) => Status::Withdrawn,
            _ if closed && lead_name.is_none() && !resolved => Status::Closed,
            _ => fitting_status(&facts),
        };
        if stated == Some(Status::Disputed) {
            // A return awaiting the office's ruling: the lead keeps it until the office rules here.
            sp.issue(row, Field::Status, &status_text, "import.row.return_pending", Severity::Warning);
        }

        // Already here? A row with a 问题编号 is that number (two problems may share a text);
        // a row without one is its enterprise and description.
        let number = Some(get(Field::Number)).filter(|n| !n.is_empty());
        let key = match &number {
            Some(n) => taizhang_core::import::sheet_number_key(n),
            None => content_key(code.as_deref().unwrap_or(&name), &description),
        };
        let existing = match &number {
            Some(n) if ledger.problem_number_exists(n)? => Some(n.clone()),
            _ => ledger.problem_number_by_import_key(&key)?,
        };
        if let Some(n) = existing {
            duplicates += 1;
            sp.skipped.push(SkippedRow { row, reason: "duplicate".into(), detail: n });
            continue;
        }
        if let Some(first) = seen_keys.get(&key) {
            duplicates += 1;
            sp.skipped.push(SkippedRow { row, reason: "duplicate_in_file".into(), detail: first.to_string() });
            continue;
        }
        seen_keys.insert(key.clone(), row);

        // A category the sheet states is taken by meaning, by the user's mapping or to a category
        // added now; one that fits nothing holds the row back (see `categories`). Only a row
        // that states none goes to the list's catch-all. Rows already in the ledger are not
        // asked: a re-import is not held back by a category of a row it skips.
        let category_text = get(Field::Category);
        let category = if category_text.trim().is_empty() {
            fallback_category.clone()
        } else {
            match category_resolver.resolve(&category_text) {
                Some(c) => c,
                None => {
                    sp.issue(row, Field::Category, &category_text, "import.row.unmapped_category", Severity::Error);
                    fallback_category.clone()
                }
            }
        };

        if sp.errors() > errors_before {
            continue;
        }

        // The enterprise: credit code, then name; else one to create in its township.
        let found = match found_by_key.get(&(code.clone(), name.clone())) {
            Some(found) => found.clone(),
            None => {
                let by_code = match &code {
                    Some(c) => ledger.find_enterprise(c)?.filter(|e| e.credit_code.as_deref() == Some(c.as_str())),
                    None => None,
                };
                let found = match by_code {
                    Some(e) => Some(e),
                    None if !name.is_empty() => ledger.find_enterprise(&name)?.filter(|e| e.name == name),
                    None => None,
                };
                found_by_key.insert((code.clone(), name.clone()), found.clone());
                found
            }
        };
        let enterprise = match found {
            Some(e) => {
                enterprises_matched.insert(e.id.clone(), ());
                EnterpriseRef::Existing(Box::new(e))
            }
            None => {
                let k = code.clone().unwrap_or_else(|| name.clone());
                match new_by_key.get(&k).or_else(|| new_by_key.get(&name)) {
                    Some(i) => EnterpriseRef::New(*i),
                    None => {
                        let township_name = get(Field::Township);
                        if township_name.is_empty() {
                            sp.issue(row, Field::Township, "", "import.row.missing_township", Severity::Error);
                            continue;
                        }
                        let township = resolver.note(&township_name, UnitKind::Township, row);
                        new_enterprises.push(NewEnterprise {
                            name: if name.is_empty() { raw_code.clone() } else { name.clone() },
                            credit_code: code.clone(),
                            township,
                            contact: get(Field::Contact),
                            phone: get(Field::Phone),
                        });
                        let i = new_enterprises.len() - 1;
                        new_by_key.insert(k, i);
                        if !name.is_empty() {
                            new_by_key.insert(name.clone(), i);
                        }
                        EnterpriseRef::New(i)
                    }
                }
            }
        };
        let lead = lead_name.map(|n| resolver.note(&n, UnitKind::Department, row));
        let supporters = supporter_names.iter().map(|n| resolver.note(n, UnitKind::Department, row)).collect();
        // History texts longer than the ledger keeps (an export joins result and explanation)
        // are cut, with a warning, rather than refusing the row.
        let history = |field: Field, sp: &mut SheetPlan| -> String {
            let v = get(field);
            if v.trim().chars().count() > MAX_TEXT {
                sp.issue(row, field, "", "import.row.truncated", Severity::Warning);
                v.trim().chars().take(MAX_TEXT).collect()
            } else {
                v
            }
        };
        let result_text = history(Field::Result, &mut sp);
        let progress = history(Field::Progress, &mut sp);
        parsed.push(ParsedRow {
            row,
            enterprise,
            lead,
            supporters,
            problem: ImportedProblem {
                problem_id: new_id(now),
                number,
                enterprise_id: String::new(),
                source: parse_source(&get(Field::Source)).unwrap_or(Source::Visit),
                category,
                description,
                demand: get(Field::Demand),
                raised_on,
                priority: Priority::Normal,
                responsible_leader: get(Field::ResponsibleLeader),
                lead_unit_id: None,
                handler: get(Field::Handler),
                supporter_unit_ids: vec![],
                assigned_on,
                handling_deadline,
                signed_on,
                progress,
                resolved_on,
                result_type: matches!(status, Status::Resolved | Status::Closed).then_some(ResultType::Solved),
                result_text,
                satisfaction,
                closed_on,
                status,
                origin: ImportOrigin {
                    file: file.clone(),
                    sheet: sheet_name.clone(),
                    row,
                    key,
                    file_sha256: file_sha256.clone(),
                },
            },
        });
    }

    sp.flag_unit_clashes(resolver.clashes());
    let (unit_commands, unit_ids, unit_mappings) = resolver.finish(now);
    let mut commands = Vec::new();
    // Categories the office adds come first, so the rows after them may use them.
    if !added.is_empty() {
        let mut settings = settings.clone();
        settings.categories.extend(added.iter().cloned());
        commands.push(Command::UpdateSettings { settings });
    }
    commands.extend(unit_commands);
    let mut rows: Vec<Option<u32>> = vec![None; commands.len()];
    let mut enterprise_ids = Vec::new();
    for e in &new_enterprises {
        let id = new_id(now);
        commands.push(Command::CreateEnterprise {
            enterprise: Enterprise {
                id: id.clone(),
                name: e.name.clone(),
                credit_code: e.credit_code.clone(),
                township_id: unit_ids[&e.township].clone(),
                industry: String::new(),
                scale: Scale::Below,
                key_level: KeyLevel::General,
                address: String::new(),
                contact: e.contact.clone(),
                phone: e.phone.clone(),
                steward: String::new(),
                paired_leader: String::new(),
            },
        });
        rows.push(None);
        enterprise_ids.push(id);
    }
    let mut statuses: BTreeMap<Status, u32> = BTreeMap::new();
    let rows_new = parsed.len() as u32;
    for p in parsed {
        let mut problem = p.problem;
        problem.enterprise_id = match p.enterprise {
            EnterpriseRef::Existing(e) => e.id,
            EnterpriseRef::New(i) => enterprise_ids[i].clone(),
        };
        problem.lead_unit_id = p.lead.map(|k| unit_ids[&k].clone());
        problem.supporter_unit_ids = p.supporters.iter().map(|k| unit_ids[k].clone()).collect();
        *statuses.entry(problem.status).or_default() += 1;
        commands.push(Command::ImportProblem { problem });
        rows.push(Some(p.row));
    }
    let errors = sp.errors();
    let preview = ImportPreview {
        kind: ImportKind::Ledger,
        file: sp.file.clone(),
        sheet: sheet_name,
        sheets: sp.workbook.sheet_names.clone(),
        header_row: sp.header.row as u32 + 1,
        columns: sp.columns.clone(),
        rows_read: sp.rows_read(),
        rows_new,
        rows_updated: 0,
        rows_duplicate: duplicates,
        skipped: std::mem::take(&mut sp.skipped),
        issues: std::mem::take(&mut sp.issues),
        units: unit_mappings,
        unimported: sp.unimported(READ, opts),
        categories: category_resolver.finish(),
        enterprises_new: new_enterprises.len() as u32,
        enterprises_matched: enterprises_matched.len() as u32,
        statuses: statuses.into_iter().map(|(status, count)| StatusCount { status, count }).collect(),
        can_commit: errors == 0,
        file_sha256: sp.file_sha256.clone(),
    };
    Ok(Planned { preview, commands, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_found_inside_an_extension_cell() {
        assert_eq!(date_inside("是（2026-04-30）"), NaiveDate::from_ymd_opt(2026, 4, 30));
        assert_eq!(date_inside("延期至2026年4月30日"), NaiveDate::from_ymd_opt(2026, 4, 30));
        assert_eq!(date_inside("否"), None);
    }

    #[test]
    fn content_keys_ignore_spacing_and_punctuation() {
        assert_eq!(content_key("甲公司", "用地 指标未落实."), content_key("甲公司", "用地指标未落实"));
        assert_ne!(content_key("甲公司", "用地指标未落实"), content_key("乙公司", "用地指标未落实"));
    }
}

//! Importing an enterprise list: new enterprises are created, known ones (by credit code,
//! then name) are updated where the sheet says something different, and unchanged ones are
//! counted as duplicates.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use taizhang_core::credit_code::{check_credit_code, normalize_credit_code, CreditCodeCheck};
use taizhang_core::model::*;
use taizhang_core::Command;
use taizhang_ledger::{new_id, Ledger};

use super::ledger::Planned;
use super::plan::{cell, SheetPlan};
use super::units::UnitResolver;
use super::{ImportError, ImportKind, ImportOptions, ImportOutcome, ImportPreview, Severity, SkippedRow};
use crate::header::Field;

pub fn preview_enterprises(
    ledger: &Ledger,
    path: &Path,
    opts: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<ImportPreview, ImportError> {
    Ok(plan(ledger, path, opts, now)?.preview)
}

pub fn commit_enterprises(
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

fn parse_scale(text: &str) -> Option<Scale> {
    match text.trim() {
        "" => None,
        "规上" | "规模以上" | "规上企业" | "是" => Some(Scale::Above),
        "规下" | "规模以下" | "规下企业" | "否" => Some(Scale::Below),
        t => Scale::parse(t),
    }
}

fn parse_key_level(text: &str) -> Option<KeyLevel> {
    let t = text.trim();
    match t {
        "" => None,
        "区级重点" | "区重点" | "区级" | "是" | "重点" | "重点企业" => Some(KeyLevel::District),
        "镇级重点" | "镇重点" | "街道重点" | "镇街重点" | "镇级" => Some(KeyLevel::Town),
        "一般" | "否" | "一般企业" | "非重点" => Some(KeyLevel::General),
        t => KeyLevel::parse(t),
    }
}

/// The fields an enterprise list import reads; a column holding another is listed as not imported.
const READ: &[Field] = &[
    Field::Enterprise,
    Field::CreditCode,
    Field::Township,
    Field::Industry,
    Field::Scale,
    Field::KeyLevel,
    Field::Address,
    Field::Contact,
    Field::Phone,
    Field::Steward,
    Field::PairedLeader,
];

fn plan(ledger: &Ledger, path: &Path, opts: &ImportOptions, now: DateTime<Utc>) -> Result<Planned, ImportError> {
    let mut sp = SheetPlan::open(path, opts)?;
    let complete = sp.require(&[Field::Enterprise]);
    let units = ledger.units()?;
    let mut resolver = UnitResolver::new(&units, &opts.units);
    let header = sp.header.clone();
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    // (row, the enterprise as it will be, its township's (kind, name), whether it is new)
    type PendingRow = (u32, Enterprise, Option<(UnitKind, String)>, bool);
    let mut pending: Vec<PendingRow> = Vec::new();
    let mut unchanged = 0u32;

    let rows = if complete { sp.data_rows() } else { Vec::new() };
    for (row, cells) in rows {
        let get = |f: Field| cell(&header, &cells, f).to_string();
        let name = get(Field::Enterprise);
        if name.is_empty() {
            sp.issue(row, Field::Enterprise, "", "import.row.missing_enterprise", Severity::Error);
            continue;
        }
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
        let key = code.clone().unwrap_or_else(|| name.clone());
        if let Some(first) = seen.get(&key).or_else(|| seen.get(&name)) {
            sp.skipped.push(SkippedRow { row, reason: "duplicate_in_file".into(), detail: first.to_string() });
            continue;
        }
        seen.insert(key, row);
        seen.insert(name.clone(), row);
        let scale_text = get(Field::Scale);
        let scale = parse_scale(&scale_text);
        if scale.is_none() && !scale_text.is_empty() {
            sp.issue(row, Field::Scale, &scale_text, "import.row.bad_scale", Severity::Warning);
        }
        let key_text = get(Field::KeyLevel);
        let key_level = parse_key_level(&key_text);
        if key_level.is_none() && !key_text.is_empty() {
            sp.issue(row, Field::KeyLevel, &key_text, "import.row.bad_key_level", Severity::Warning);
        }
        let existing = match &code {
            Some(c) => ledger.find_enterprise(c)?.filter(|e| e.credit_code.as_deref() == Some(c.as_str())),
            None => None,
        };
        let existing = match existing {
            Some(e) => Some(e),
            None => ledger.find_enterprise(&name)?.filter(|e| e.name == name),
        };
        let township_name = get(Field::Township);
        let township = (!township_name.is_empty()).then(|| resolver.note(&township_name, UnitKind::Township, row));
        // A blank cell keeps what the ledger has; the sheet only overrides what it states.
        let pick = |f: Field, old: &str| {
            let v = get(f);
            if v.is_empty() {
                old.to_string()
            } else {
                v
            }
        };
        match existing {
            Some(old) => {
                let updated = Enterprise {
                    id: old.id.clone(),
                    name: name.clone(),
                    credit_code: code.clone().or(old.credit_code.clone()),
                    township_id: old.township_id.clone(),
                    industry: pick(Field::Industry, &old.industry),
                    scale: scale.unwrap_or(old.scale),
                    key_level: key_level.unwrap_or(old.key_level),
                    address: pick(Field::Address, &old.address),
                    contact: pick(Field::Contact, &old.contact),
                    phone: pick(Field::Phone, &old.phone),
                    steward: pick(Field::Steward, &old.steward),
                    paired_leader: pick(Field::PairedLeader, &old.paired_leader),
                };
                pending.push((row, updated, township, false));
            }
            None => {
                if township.is_none() {
                    sp.issue(row, Field::Township, "", "import.row.missing_township", Severity::Error);
                    continue;
                }
                let e = Enterprise {
                    id: new_id(now),
                    name: name.clone(),
                    credit_code: code.clone(),
                    township_id: String::new(),
                    industry: get(Field::Industry),
                    scale: scale.unwrap_or(Scale::Below),
                    key_level: key_level.unwrap_or(KeyLevel::General),
                    address: get(Field::Address),
                    contact: get(Field::Contact),
                    phone: get(Field::Phone),
                    steward: get(Field::Steward),
                    paired_leader: get(Field::PairedLeader),
                };
                pending.push((row, e, township, true));
            }
        }
    }

    sp.flag_unit_clashes(resolver.clashes());
    let (unit_commands, unit_ids, unit_mappings) = resolver.finish(now);
    let mut commands = unit_commands;
    let mut rows: Vec<Option<u32>> = vec![None; commands.len()];
    let (mut created, mut updated) = (0u32, 0u32);
    for (row, mut e, township, new) in pending {
        if let Some(t) = township {
            e.township_id = unit_ids[&t].clone();
        }
        if new {
            created += 1;
            commands.push(Command::CreateEnterprise { enterprise: e });
        } else {
            let old = ledger.find_enterprise(&e.id)?;
            if old.as_ref() == Some(&e) {
                unchanged += 1;
                sp.skipped.push(SkippedRow { row, reason: "unchanged".into(), detail: e.name.clone() });
                continue;
            }
            updated += 1;
            commands.push(Command::UpdateEnterprise { enterprise: e });
        }
        rows.push(Some(row));
    }
    let errors = sp.errors();
    let preview = ImportPreview {
        kind: ImportKind::Enterprises,
        file: sp.file.clone(),
        sheet: sp.workbook.sheet.name.clone(),
        sheets: sp.workbook.sheet_names.clone(),
        header_row: sp.header.row as u32 + 1,
        columns: sp.columns.clone(),
        rows_read: sp.rows_read(),
        rows_new: created,
        rows_updated: updated,
        rows_duplicate: unchanged,
        skipped: std::mem::take(&mut sp.skipped),
        issues: std::mem::take(&mut sp.issues),
        units: unit_mappings,
        unimported: sp.unimported(READ, opts),
        categories: vec![],
        enterprises_new: created,
        enterprises_matched: updated + unchanged,
        statuses: vec![],
        can_commit: errors == 0,
        file_sha256: sp.file_sha256.clone(),
    };
    Ok(Planned { preview, commands, rows })
}

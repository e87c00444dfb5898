//! Problems brought in from an office's existing spreadsheet ledger.
//!
//! A sheet states facts typed in elsewhere: who leads, the deadline, whether it was resolved,
//! what the company said. They enter the chain as one `ProblemImported` event per row, carrying
//! the file, sheet and row they came from, so the ledger stays honest about what was typed in
//! and what happened here. The rule for figures: the sheet's dates place the problem in time
//! (registered on 提出时间, resolved and closed on the sheet's dates, lateness from its deadline),
//! but department performance (signing on time, resolving on time, satisfaction) counts only what
//! was done in this ledger, because a sheet cannot show when a department really acted.
//!
//! This module holds what a row is (`ImportedProblem`, `ImportOrigin`) and the sheet's status
//! rules; it sits beside the events, which carry a row. Deciding a row is
//! `workflow::import`'s.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::model::*;

/// Where an imported row came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportOrigin {
    /// The file name as the user chose it (no directory).
    pub file: String,
    pub sheet: String,
    /// 1-based row number as a spreadsheet program shows it.
    pub row: u32,
    /// SHA-256 of the file as read, so the chain names the exact file a row came from.
    #[serde(default)]
    pub file_sha256: String,
    /// What makes a row the same problem on a later import: the sheet's 问题编号 when it has
    /// one, else a digest of the enterprise and the description.
    pub key: String,
}

/// One ledger row as the sheet states it, resolved to this ledger's ids by the importer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportedProblem {
    pub problem_id: Id,
    /// The sheet's 问题编号, kept when it has one; otherwise the ledger numbers it.
    pub number: Option<String>,
    pub enterprise_id: Id,
    pub source: Source,
    pub category: String,
    pub description: String,
    pub demand: String,
    pub raised_on: NaiveDate,
    pub priority: Priority,
    pub responsible_leader: String,
    pub lead_unit_id: Option<Id>,
    pub handler: String,
    pub supporter_unit_ids: Vec<Id>,
    pub assigned_on: Option<NaiveDate>,
    pub handling_deadline: Option<NaiveDate>,
    pub signed_on: Option<NaiveDate>,
    pub progress: String,
    pub resolved_on: Option<NaiveDate>,
    pub result_type: Option<ResultType>,
    pub result_text: String,
    pub satisfaction: Option<Satisfaction>,
    pub closed_on: Option<NaiveDate>,
    /// The workflow state the sheet's status columns map to.
    pub status: Status,
    pub origin: ImportOrigin,
}

/// The import key of a row the sheet numbered: `no:` and the number. A problem whose key is
/// its own number's kept the sheet's number, which has no place in the ledger's sequence
/// (`Problem::number_place`).
pub fn sheet_number_key(number: &str) -> String {
    format!("no:{number}")
}

/// The Beijing midnight starting a date, as an instant: how a sheet's date enters the fold.
/// Total: at the first representable day, whose Beijing midnight has no UTC instant, it is
/// that day's UTC midnight (a stored event may carry any date; folding it must not panic).
pub fn start_of_day(d: NaiveDate) -> DateTime<Utc> {
    let midnight = d.and_time(chrono::NaiveTime::MIN);
    midnight
        .and_local_timezone(china_offset())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

/// The workflow state that fits what a sheet says about a row, most advanced fact first:
/// a close-out date or "已销号" closes it; a resolution date, "是"/"已办结" or a satisfaction
/// makes it resolved (不满意 reopens it to the lead, as here); a lead makes it assigned, or in
/// progress once signed or reported on; otherwise it waits for assignment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetStatusFacts {
    pub has_lead: bool,
    pub signed: bool,
    pub has_progress: bool,
    pub resolved: bool,
    pub closed: bool,
    pub satisfaction: Option<Satisfaction>,
}

pub fn fitting_status(f: &SheetStatusFacts) -> Status {
    if f.closed {
        return Status::Closed;
    }
    if f.resolved || f.satisfaction.is_some() {
        return match f.satisfaction {
            Some(Satisfaction::Unsatisfied) if f.has_lead => Status::InProgress,
            Some(Satisfaction::Unsatisfied) => Status::Registered,
            _ => Status::Resolved,
        };
    }
    match (f.has_lead, f.signed || f.has_progress) {
        (false, _) => Status::Registered,
        (true, false) => Status::Assigned,
        (true, true) => Status::InProgress,
    }
}

/// Reads a 是否办结 / 办理状态 / 是否销号 cell. `Some(true)` for done, `Some(false)` for not done.
pub fn parse_done(text: &str) -> Option<bool> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return None;
    }
    const NOT: &[&str] = &[
        "否",
        "未办结",
        "未完成",
        "未解决",
        "办理中",
        "正在办理",
        "推进中",
        "未销号",
        "待办",
        "×",
        "N",
        "n",
        "no",
        "No",
    ];
    const YES: &[&str] = &[
        "是",
        "已办结",
        "办结",
        "已完成",
        "完成",
        "已解决",
        "解决",
        "已销号",
        "销号",
        "√",
        "✓",
        "Y",
        "y",
        "yes",
        "Yes",
    ];
    if NOT.contains(&t.as_str()) || t.starts_with('未') {
        return Some(false);
    }
    if YES.contains(&t.as_str()) || t.starts_with("已办结") || t.starts_with("已解决") {
        return Some(true);
    }
    None
}

/// A satisfaction cell: 满意, 基本满意, 不满意 and the common variants.
pub fn parse_satisfaction(text: &str) -> Option<Satisfaction> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match t.as_str() {
        "" => None,
        "满意" | "非常满意" | "很满意" | "比较满意" => Some(Satisfaction::Satisfied),
        "基本满意" | "一般" => Some(Satisfaction::Basic),
        "不满意" | "不太满意" | "非常不满意" => Some(Satisfaction::Unsatisfied),
        other => Satisfaction::parse(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> SheetStatusFacts {
        SheetStatusFacts::default()
    }

    #[test]
    fn the_most_advanced_fact_decides_the_status() {
        assert_eq!(fitting_status(&facts()), Status::Registered);
        assert_eq!(fitting_status(&SheetStatusFacts { has_lead: true, ..facts() }), Status::Assigned);
        assert_eq!(fitting_status(&SheetStatusFacts { has_lead: true, signed: true, ..facts() }), Status::InProgress);
        assert_eq!(
            fitting_status(&SheetStatusFacts { has_lead: true, has_progress: true, ..facts() }),
            Status::InProgress
        );
        assert_eq!(fitting_status(&SheetStatusFacts { has_lead: true, resolved: true, ..facts() }), Status::Resolved);
        assert_eq!(
            fitting_status(&SheetStatusFacts {
                has_lead: true,
                satisfaction: Some(Satisfaction::Satisfied),
                ..facts()
            }),
            Status::Resolved
        );
        assert_eq!(
            fitting_status(&SheetStatusFacts {
                has_lead: true,
                resolved: true,
                satisfaction: Some(Satisfaction::Unsatisfied),
                ..facts()
            }),
            Status::InProgress
        );
        assert_eq!(
            fitting_status(&SheetStatusFacts {
                resolved: true,
                satisfaction: Some(Satisfaction::Unsatisfied),
                ..facts()
            }),
            Status::Registered
        );
        assert_eq!(
            fitting_status(&SheetStatusFacts { has_lead: true, resolved: true, closed: true, ..facts() }),
            Status::Closed
        );
    }

    #[test]
    fn done_cells_read_as_offices_write_them() {
        for t in ["是", "已办结", "办结", "已解决", "√", " 是 ", "已办结（2026-03-05）"] {
            assert_eq!(parse_done(t), Some(true), "{t}");
        }
        for t in ["否", "未办结", "办理中", "未解决", "×", "未完成"] {
            assert_eq!(parse_done(t), Some(false), "{t}");
        }
        for t in ["", "见附件", "正在协调用地指标"] {
            assert_eq!(parse_done(t), None, "{t}");
        }
    }

    #[test]
    fn satisfaction_cells() {
        assert_eq!(parse_satisfaction("满意"), Some(Satisfaction::Satisfied));
        assert_eq!(parse_satisfaction("基本满意"), Some(Satisfaction::Basic));
        assert_eq!(parse_satisfaction(" 不满意"), Some(Satisfaction::Unsatisfied));
        assert_eq!(parse_satisfaction("unsatisfied"), Some(Satisfaction::Unsatisfied));
        assert_eq!(parse_satisfaction("未回访"), None);
    }

    #[test]
    fn a_date_enters_the_fold_at_beijing_midnight() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(local_date(start_of_day(d)), d);
        assert_eq!(start_of_day(d).to_rfc3339(), "2026-03-04T16:00:00+00:00");
    }
}

//! Printable documents the office issues about a problem — 交办通知书 (to the lead, copied to
//! the supporters), 督办通知书 (an urge in writing) and 办结答复单 (the lead's answer) — and
//! their numbers (文号): the office's patterns, one sequence per kind and year
//! (docs/documents.md). What a document says is assembled from the problem by
//! `document_text`; when one is issued is decided by `workflow::documents`.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{labelled_enum, Id};

labelled_enum!(
    /// The kinds of document a problem may be printed as.
    DocumentKind in "documentKind" {
        AssignmentNotice = "assignment_notice",
        UrgeNotice = "urge_notice",
        ReplyForm = "reply_form",
        Bulletin = "bulletin",
    }
);

impl DocumentKind {
    /// The kinds printed about one problem (the 通报 is about a period: `BulletinIssued`).
    pub const OF_PROBLEMS: &'static [DocumentKind] =
        &[DocumentKind::AssignmentNotice, DocumentKind::UrgeNotice, DocumentKind::ReplyForm];
}

/// Where the sequence number goes in a pattern.
pub const SEQ: &str = "{seq}";
/// Where the year goes in a pattern.
pub const YEAR: &str = "{year}";
/// The longest pattern (and so, nearly, the longest number) accepted.
pub const MAX_PATTERN: usize = 64;

/// What the office configures for its documents (`Settings::documents`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct DocumentSettings {
    /// The issuing office as signed at the foot of a document (落款), e.g. `某区企业服务年办公室`.
    pub issuer: String,
    /// The number patterns (文号), with `{year}` and `{seq}`: `区企服办交〔{year}〕{seq}号`.
    pub assignment_notice: String,
    pub urge_notice: String,
    pub reply_form: String,
    /// The 通报's issue number (期号): `{year}年第{seq}期`.
    pub bulletin: String,
}

impl Default for DocumentSettings {
    fn default() -> Self {
        DocumentSettings {
            issuer: "企业服务年办公室".into(),
            assignment_notice: "企服办交〔{year}〕{seq}号".into(),
            urge_notice: "企服办督〔{year}〕{seq}号".into(),
            reply_form: "企服办复〔{year}〕{seq}号".into(),
            bulletin: "{year}年第{seq}期".into(),
        }
    }
}

impl DocumentSettings {
    pub fn pattern(&self, kind: DocumentKind) -> &str {
        match kind {
            DocumentKind::AssignmentNotice => &self.assignment_notice,
            DocumentKind::UrgeNotice => &self.urge_notice,
            DocumentKind::ReplyForm => &self.reply_form,
            DocumentKind::Bulletin => &self.bulletin,
        }
    }

    /// Why the settings cannot be used, as (field, reason): every pattern names `{seq}` once
    /// (two documents of a kind and year differ only by it) and `{year}` at most once.
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        if self.issuer.trim().is_empty() {
            return Some(("documents.issuer", "the issuing office is required"));
        }
        for (field, p) in [
            ("documents.assignment_notice", &self.assignment_notice),
            ("documents.urge_notice", &self.urge_notice),
            ("documents.reply_form", &self.reply_form),
            ("documents.bulletin", &self.bulletin),
        ] {
            if p.matches(SEQ).count() != 1 {
                return Some((field, "a number pattern holds {seq} exactly once"));
            }
            if p.matches(YEAR).count() > 1 {
                return Some((field, "a number pattern holds {year} at most once"));
            }
            if p.chars().count() > MAX_PATTERN {
                return Some((field, "a number pattern is at most 64 characters"));
            }
        }
        None
    }
}

/// The number a pattern gives: `{year}` and `{seq}` filled in. `seq` is text, so a replica's
/// device-series number (`7F3A-3`) fills the same place.
pub fn format_number(pattern: &str, year: i32, seq: &str) -> String {
    pattern.replace(YEAR, &year.to_string()).replace(SEQ, seq)
}

/// The place a number takes in its kind's sequence: `12`, or on a replica `7F3A-12` (the
/// device's tag, then its own count: docs/documents.md, "Many desks").
pub fn seq_text(series: Option<&str>, seq: u32) -> String {
    match series {
        Some(tag) => format!("{tag}-{seq}"),
        None => seq.to_string(),
    }
}

/// A document issued about a problem, as its problem keeps it: printing it again shows the
/// same number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct IssuedDocument {
    pub kind: DocumentKind,
    /// Which occasion of its kind it is for: the assignment, urge or resolution it records,
    /// counted from 1 (`Problem::document_round`).
    pub round: u32,
    pub number: String,
    pub year: i32,
    pub seq: u32,
    /// The device series on a replica (`None`: the district's own sequence).
    pub series: Option<String>,
    pub issued_at: DateTime<Utc>,
    pub issued_by: Id,
}

/// The numbers given so far, held in memory (`Replay`, the tests' worlds): what `World`'s
/// `document_number_taken` and `next_document_seq` answer from.
#[derive(Debug, Clone, Default)]
pub struct DocumentNumbers {
    taken: HashSet<String>,
    highest: HashMap<(DocumentKind, i32), u32>,
    /// The 通报 of each period (its key), by number.
    bulletins: HashMap<String, String>,
}

impl DocumentNumbers {
    pub fn record(&mut self, kind: DocumentKind, year: i32, seq: u32, series: Option<&str>, number: &str) {
        self.taken.insert(number.to_string());
        if series.is_none() {
            let e = self.highest.entry((kind, year)).or_default();
            *e = (*e).max(seq);
        }
    }
    pub fn record_bulletin(&mut self, period: &str, number: &str) {
        self.bulletins.insert(period.to_string(), number.to_string());
    }
    pub fn bulletin(&self, period: &str) -> Option<String> {
        self.bulletins.get(period).cloned()
    }
    pub fn taken(&self, number: &str) -> bool {
        self.taken.contains(number)
    }
    pub fn next_seq(&self, kind: DocumentKind, year: i32) -> u32 {
        self.highest.get(&(kind, year)).copied().unwrap_or(0) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_fill_the_pattern() {
        let s = DocumentSettings::default();
        assert_eq!(format_number(s.pattern(DocumentKind::UrgeNotice), 2026, "12"), "企服办督〔2026〕12号");
        assert_eq!(
            format_number("X政企办交〔{year}〕{seq}号", 2026, &seq_text(Some("7F3A"), 3)),
            "X政企办交〔2026〕7F3A-3号"
        );
        assert_eq!(s.problem(), None);
    }

    #[test]
    fn a_pattern_needs_one_seq() {
        let mut s = DocumentSettings { reply_form: "复〔{year}〕号".into(), ..Default::default() };
        assert_eq!(s.problem().map(|p| p.0), Some("documents.reply_form"));
        s.reply_form = "{seq}{seq}".into();
        assert!(s.problem().is_some());
        s.reply_form = "{year}{year}{seq}".into();
        assert!(s.problem().is_some());
        s.reply_form = "复{seq}".into();
        assert_eq!(s.problem(), None, "the year may be left out");
        s.issuer = " ".into();
        assert_eq!(s.problem().map(|p| p.0), Some("documents.issuer"));
    }
}

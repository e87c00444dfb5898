//! Printed documents as the window shows them (docs/documents.md): for each problem asked
//! for, the document of a kind issued about it, assembled by the core (`document_body_for`)
//! from the problem's aggregate, its enterprise, the units' names and the settings. A problem
//! with no such document yet comes back without one: issuing is a command (`IssueDocument`).

use std::collections::HashMap;

use rusqlite::OptionalExtension;
use serde::Serialize;
use taizhang_core::document::DocumentKind;
use taizhang_core::document_text::{document_body_for, DocumentBody};
use taizhang_core::DomainError;

use crate::error::Result;
use crate::{read, Ledger};

/// One problem's document of the kind asked for.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProblemDocument {
    pub problem_id: String,
    pub problem_number: String,
    /// `None`: not issued (yet) for this problem.
    pub document: Option<DocumentBody>,
}

impl Ledger {
    /// The document of `kind` issued about each of `problems` (numbers or ids), in the order
    /// asked.
    pub fn documents(&self, problems: &[String], kind: DocumentKind) -> Result<Vec<ProblemDocument>> {
        let settings = self.settings()?;
        let names: HashMap<String, String> = read::units(&self.conn)?.into_iter().map(|u| (u.id, u.name)).collect();
        let unit_name = |id: &str| names.get(id).cloned().unwrap_or_default();
        let mut out = Vec::with_capacity(problems.len());
        for wanted in problems {
            let id = read::problem_id_by_number(&self.conn, wanted)?
                .ok_or_else(|| DomainError::not_found("problem", wanted))?;
            let p = read::problem(&self.conn, &id)?.ok_or_else(|| DomainError::not_found("problem", wanted))?;
            let enterprise = self
                .conn
                .prepare_cached(&format!("SELECT {} FROM enterprises WHERE id = ?1", read::ENTERPRISE_COLS))?
                .query_row([&p.enterprise_id], read::enterprise_row)
                .optional()?;
            out.push(ProblemDocument {
                problem_id: p.id.clone(),
                problem_number: p.number.clone(),
                document: document_body_for(&p, kind, enterprise.as_ref(), &unit_name, &settings),
            });
        }
        Ok(out)
    }
}

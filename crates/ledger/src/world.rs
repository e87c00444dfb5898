//! The core's `World` over a transaction. The trait returns plain options, so the first
//! database error is kept aside and raised after `decide` returns.

use std::cell::RefCell;

use rusqlite::{Connection, OptionalExtension};
use taizhang_core::monitoring::{IndicatorReport, Month, Project, ProjectProgress, RaisedWarning};
use taizhang_core::workflow::World;
use taizhang_core::*;

use crate::error::{LedgerError, Result};
use crate::project::Projector;
use crate::{monitoring_fold, read};

pub struct SqlWorld<'c> {
    conn: &'c Connection,
    /// The problems as this transaction has changed them so far (not yet written back).
    projector: &'c RefCell<Projector>,
    error: RefCell<Option<LedgerError>>,
}

impl<'c> SqlWorld<'c> {
    pub fn new(conn: &'c Connection, projector: &'c RefCell<Projector>) -> Self {
        SqlWorld { conn, projector, error: RefCell::new(None) }
    }

    pub fn into_result(self) -> Result<()> {
        match self.error.into_inner() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn keep<T>(&self, r: Result<Option<T>>) -> Option<T> {
        r.unwrap_or_else(|e| {
            self.error.borrow_mut().get_or_insert(e);
            None
        })
    }

    fn one<T>(&self, sql: &str, arg: &str, f: fn(&rusqlite::Row) -> rusqlite::Result<T>) -> Option<T> {
        self.keep(
            self.conn
                .prepare_cached(sql)
                .and_then(|mut st| st.query_row([arg], f).optional())
                .map_err(LedgerError::from),
        )
    }
}

impl World for SqlWorld<'_> {
    fn unit(&self, id: &str) -> Option<Unit> {
        self.keep(read::unit(self.conn, id))
    }
    fn unit_by_name(&self, name: &str) -> Option<Unit> {
        self.one(&format!("SELECT {} FROM units WHERE name = ?1", read::UNIT_COLS), name, read::unit_row)
    }
    fn user(&self, id: &str) -> Option<User> {
        self.one(&format!("SELECT {} FROM users WHERE id = ?1", read::USER_COLS), id, read::user_row)
    }
    fn user_by_login(&self, login: &str) -> Option<User> {
        self.one(&format!("SELECT {} FROM users WHERE login = ?1", read::USER_COLS), login, read::user_row)
    }
    fn all_units(&self) -> Vec<Unit> {
        let r = read::units(self.conn);
        self.keep(r.map(Some)).unwrap_or_default()
    }
    fn all_logins(&self) -> Vec<String> {
        let r = self
            .conn
            .prepare_cached("SELECT login FROM users")
            .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>());
        self.keep(r.map(Some).map_err(LedgerError::from)).unwrap_or_default()
    }
    fn enterprise(&self, id: &str) -> Option<Enterprise> {
        self.one(&format!("SELECT {} FROM enterprises WHERE id = ?1", read::ENTERPRISE_COLS), id, read::enterprise_row)
    }
    fn enterprise_by_credit_code(&self, code: &str) -> Option<Enterprise> {
        self.one(
            &format!("SELECT {} FROM enterprises WHERE credit_code = ?1", read::ENTERPRISE_COLS),
            code,
            read::enterprise_row,
        )
    }
    fn visit(&self, id: &str) -> Option<Visit> {
        self.one(&format!("SELECT {} FROM visits WHERE id = ?1", read::VISIT_COLS), id, read::visit_row)
    }
    fn problem(&self, id: &str) -> Option<Problem> {
        self.keep(self.projector.borrow_mut().problem(self.conn, id))
    }
    fn problem_id_by_number(&self, number: &str) -> Option<Id> {
        self.one("SELECT id FROM problems WHERE number = ?1", number, |r| r.get(0))
    }
    fn problem_id_by_import_key(&self, key: &str) -> Option<Id> {
        self.one("SELECT problem_id FROM problem_imports WHERE import_key = ?1", key, |r| r.get(0))
    }
    fn next_problem_seq(&self, year: i32, township_id: &str) -> u32 {
        let r = self
            .conn
            .prepare_cached(
                "SELECT coalesce(max(number_seq), 0) + 1 FROM problems WHERE number_year = ?1 AND township_id = ?2",
            )
            .and_then(|mut st| st.query_row(rusqlite::params![year, township_id], |r| r.get::<_, u32>(0)));
        self.keep(r.map(Some).map_err(LedgerError::from)).unwrap_or(1)
    }
    fn indicator_report(&self, enterprise_id: &str, month: Month) -> Option<IndicatorReport> {
        self.keep(monitoring_fold::indicator_report(self.conn, enterprise_id, month))
    }
    fn project(&self, id: &str) -> Option<Project> {
        self.keep(monitoring_fold::project(self.conn, id))
    }
    fn project_progress(&self, project_id: &str, month: Month) -> Option<ProjectProgress> {
        self.keep(monitoring_fold::project_progress(self.conn, project_id, month))
    }
    fn warning(&self, id: &str) -> Option<(RaisedWarning, bool)> {
        self.keep(monitoring_fold::warning(self.conn, id))
    }
    fn document_number_taken(&self, number: &str) -> bool {
        self.one("SELECT 1 FROM documents WHERE number = ?1 LIMIT 1", number, |r| r.get::<_, i64>(0)).is_some()
    }
    fn bulletin_number(&self, period: &str) -> Option<String> {
        self.one("SELECT number FROM documents WHERE period = ?1 LIMIT 1", period, |r| r.get(0))
    }
    fn next_document_seq(&self, kind: taizhang_core::document::DocumentKind, year: i32) -> u32 {
        let r = self
            .conn
            .prepare_cached(
                "SELECT coalesce(max(seq), 0) + 1 FROM documents WHERE kind = ?1 AND year = ?2 AND series IS NULL",
            )
            .and_then(|mut st| st.query_row(rusqlite::params![kind.key(), year], |r| r.get::<_, u32>(0)));
        self.keep(r.map(Some).map_err(LedgerError::from)).unwrap_or(1)
    }
}

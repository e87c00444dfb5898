//! What `decide` reads: the current state through `World`, the time and rules in force
//! through `Context`.

use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::Calendar;
use crate::document::DocumentKind;
use crate::model::*;
use crate::monitoring::records::{IndicatorReport, Project, ProjectProgress, RaisedWarning};
use crate::monitoring::Month;
use crate::problem::Problem;
use crate::settings::Settings;

/// Read access to the current projections, implemented by the ledger over its transaction.
pub trait World {
    fn unit(&self, id: &str) -> Option<Unit>;
    fn unit_by_name(&self, name: &str) -> Option<Unit>;
    fn user(&self, id: &str) -> Option<User>;
    fn user_by_login(&self, login: &str) -> Option<User>;
    /// Every unit, active or not (a district has dozens): a new name is checked against all.
    fn all_units(&self) -> Vec<Unit>;
    /// Every login in use (a district has hundreds).
    fn all_logins(&self) -> Vec<String>;
    fn enterprise(&self, id: &str) -> Option<Enterprise>;
    fn enterprise_by_credit_code(&self, code: &str) -> Option<Enterprise>;
    fn visit(&self, id: &str) -> Option<Visit>;
    fn problem(&self, id: &str) -> Option<Problem>;
    /// The problem with this number, if any.
    fn problem_id_by_number(&self, number: &str) -> Option<Id>;
    /// The problem imported under this key (`ImportOrigin::key`), if any.
    fn problem_id_by_import_key(&self, key: &str) -> Option<Id>;
    /// The next free sequence number for problem numbers of this year and township.
    fn next_problem_seq(&self, year: i32, township_id: &str) -> u32;
    /// The monthly indicator report of a key enterprise, as last reported (a correction
    /// replaces it).
    fn indicator_report(&self, enterprise_id: &str, month: Month) -> Option<IndicatorReport>;
    fn project(&self, id: &str) -> Option<Project>;
    fn project_progress(&self, project_id: &str, month: Month) -> Option<ProjectProgress>;
    /// A warning as last raised, and whether what was done about it is recorded.
    fn warning(&self, id: &str) -> Option<(RaisedWarning, bool)>;
    /// Whether a document already carries this number (文号).
    fn document_number_taken(&self, number: &str) -> bool;
    /// The next sequence number of the district's own documents of this kind and year (one
    /// above the highest given; a replica's device-series numbers take no place in it).
    fn next_document_seq(&self, kind: DocumentKind, year: i32) -> u32;
    /// The issue number (期号) of the 通报 of this report period, if it has one.
    fn bulletin_number(&self, period: &str) -> Option<String>;
}

/// Time and rules in force. The core has no clock: `now` is passed in.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    pub calendar: &'a Calendar,
    pub settings: &'a Settings,
}

impl Context<'_> {
    pub fn today(&self) -> NaiveDate {
        local_date(self.now)
    }
}

//! The core's `World` over the server's projections as the appending transaction sees them
//! (`Projections`: read through, with the batch's own folds on top), so each event of a batch
//! is decided against what the ones before it did. The trait returns plain options, so the
//! first database error is kept aside and raised after the core returns.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use postgres::GenericClient;

use super::prepared::Db;
use taizhang_core::calendar::Calendar;
use taizhang_core::document::DocumentKind;
use taizhang_core::monitoring::{IndicatorReport, Month, Project, ProjectProgress, RaisedWarning};
use taizhang_core::workflow::World;
use taizhang_core::*;

use super::projections::Projections;
use crate::error::{Result, ServerError};

pub struct PgWorld<'a, 't> {
    tx: RefCell<&'a mut Db<'t>>,
    projections: RefCell<&'a mut Projections>,
    error: RefCell<Option<ServerError>>,
}

impl<'a, 't> PgWorld<'a, 't> {
    pub fn new(tx: &'a mut Db<'t>, projections: &'a mut Projections) -> Self {
        PgWorld { tx: RefCell::new(tx), projections: RefCell::new(projections), error: RefCell::new(None) }
    }

    pub fn into_result(self) -> Result<()> {
        self.error.into_inner().map_or(Ok(()), Err)
    }

    /// Runs a read of the projections, keeping its error aside.
    fn read<T: Default>(&self, f: impl FnOnce(&mut Projections, &mut Db<'t>) -> Result<T>) -> T {
        let mut tx = self.tx.borrow_mut();
        let mut projections = self.projections.borrow_mut();
        f(&mut projections, &mut tx).unwrap_or_else(|e| {
            self.error.borrow_mut().get_or_insert(e);
            T::default()
        })
    }
}

impl World for PgWorld<'_, '_> {
    fn unit(&self, id: &str) -> Option<Unit> {
        self.read(|p, tx| p.unit(tx, id))
    }
    fn unit_by_name(&self, name: &str) -> Option<Unit> {
        self.read(|p, tx| p.unit_by_name(tx, name))
    }
    fn user(&self, id: &str) -> Option<User> {
        self.read(|p, tx| p.user(tx, id))
    }
    fn user_by_login(&self, login: &str) -> Option<User> {
        self.read(|p, tx| p.user_by_login(tx, login))
    }
    fn all_units(&self) -> Vec<Unit> {
        self.read(|p, tx| p.all_units(tx))
    }
    fn all_logins(&self) -> Vec<String> {
        self.read(|p, tx| p.all_users(tx)).into_iter().map(|u| u.login).collect()
    }
    fn enterprise(&self, id: &str) -> Option<Enterprise> {
        self.read(|p, tx| p.enterprise(tx, id))
    }
    fn enterprise_by_credit_code(&self, code: &str) -> Option<Enterprise> {
        self.read(|p, tx| p.enterprise_by_credit_code(tx, code))
    }
    fn visit(&self, id: &str) -> Option<Visit> {
        self.read(|p, tx| p.visit(tx, id))
    }
    fn problem(&self, id: &str) -> Option<Problem> {
        self.read(|p, tx| p.problem(tx, id))
    }
    fn problem_id_by_number(&self, number: &str) -> Option<Id> {
        self.read(|p, tx| p.problem_id_by_number(tx, number))
    }
    fn problem_id_by_import_key(&self, key: &str) -> Option<Id> {
        self.read(|p, tx| p.problem_id_by_import_key(tx, key))
    }
    fn next_problem_seq(&self, year: i32, township_id: &str) -> u32 {
        self.read(|p, tx| p.next_problem_seq(tx, year, township_id).map(Some)).unwrap_or(1)
    }
    fn indicator_report(&self, enterprise_id: &str, month: Month) -> Option<IndicatorReport> {
        self.read(|p, tx| p.indicator_report(tx, enterprise_id, month))
    }
    fn project(&self, id: &str) -> Option<Project> {
        self.read(|p, tx| p.project(tx, id))
    }
    fn project_progress(&self, project_id: &str, month: Month) -> Option<ProjectProgress> {
        self.read(|p, tx| p.project_progress(tx, project_id, month))
    }
    fn warning(&self, id: &str) -> Option<(RaisedWarning, bool)> {
        self.read(|p, tx| p.warning(tx, id)).map(|w| (w.warning, w.handled))
    }
    fn document_number_taken(&self, number: &str) -> bool {
        self.read(|p, tx| p.document_number_taken(tx, number))
    }
    fn bulletin_number(&self, period: &str) -> Option<String> {
        self.read(|p, tx| p.bulletin_number(tx, period))
    }
    fn next_document_seq(&self, kind: DocumentKind, year: i32) -> u32 {
        self.read(|p, tx| p.next_document_seq(tx, kind, year).map(Some)).unwrap_or(1)
    }
}

/// Which events make the context in force (the partial index `events_context` covers them).
pub const CONTEXT_EVENTS: &str =
    "outcome = 'applied' AND kind IN ('calendar_year_set', 'calendar_day_set', 'settings_changed')";

/// The calendar and settings in force: a fold of the applied calendar and settings events in
/// server order (a handful of rows), the same fold the desktop's tables hold.
pub fn context(tx: &mut impl GenericClient) -> Result<(Calendar, Settings)> {
    let rows =
        tx.query(&format!("SELECT kind, payload FROM events WHERE {CONTEXT_EVENTS} ORDER BY server_seq"), &[])?;
    let mut context = (Calendar::new(), Settings::default());
    for row in rows {
        let kind: String = row.get(0);
        let payload: serde_json::Value =
            serde_json::from_str(row.get(1)).map_err(|e| ServerError::Internal(format!("stored payload: {e}")))?;
        let body =
            EventBody::from_parts(&kind, payload).map_err(|e| ServerError::Internal(format!("stored event: {e}")))?;
        fold_context(&mut context, &body);
    }
    Ok(context)
}

/// The context in force kept between transactions: it changes a few times a year, and every
/// push decides against it. Keyed by the position of the last calendar or settings event, one
/// index probe a batch instead of reading and parsing the calendar's years again.
#[derive(Default)]
pub struct ContextCache(Mutex<Option<(i64, Arc<WorldContext>)>>);

/// The calendar and settings in force.
pub type WorldContext = (Calendar, Settings);

impl ContextCache {
    /// The context as of position `at` (the appender reads it under the append lock, so no
    /// context event can commit between that read and the batch); read from `tx` only when
    /// the cached one is older.
    pub fn get(&self, at: i64, tx: &mut impl GenericClient) -> Result<Arc<WorldContext>> {
        let mut held = self.0.lock().map_err(|_| ServerError::Internal("context cache poisoned".into()))?;
        if let Some((cached_at, context)) = held.as_ref() {
            if *cached_at == at {
                return Ok(context.clone());
            }
        }
        let context = Arc::new(context(tx)?);
        *held = Some((at, Arc::clone(&context)));
        Ok(context)
    }
}

/// Whether `body` changes the context in force (what `fold_context` folds).
pub fn is_context_event(body: &EventBody) -> bool {
    matches!(
        body,
        EventBody::CalendarYearSet { .. } | EventBody::CalendarDaySet { .. } | EventBody::SettingsChanged { .. }
    )
}

/// Folds a calendar or settings event into the context in force (`is_context_event` says
/// which events these are); any other event leaves it as it is.
pub fn fold_context((calendar, settings): &mut (Calendar, Settings), body: &EventBody) {
    match body {
        EventBody::CalendarYearSet { year } => calendar.set_year(year),
        EventBody::CalendarDaySet { date, off, name } => calendar.set_day(*date, *off, name),
        EventBody::SettingsChanged { settings: s } => *settings = s.clone(),
        _ => {}
    }
}

/// The acting user with their unit, as the projections hold them now.
pub fn actor(tx: &mut impl GenericClient, login_or_id: &str) -> Result<Option<Actor>> {
    let Some(row) = tx.query_opt(
        "SELECT body FROM users WHERE id = $1 OR login = $1 ORDER BY (id = $1) DESC LIMIT 1",
        &[&login_or_id],
    )?
    else {
        return Ok(None);
    };
    let user: User = super::body(&row, "user")?;
    let Some(row) = tx.query_opt("SELECT body FROM units WHERE id = $1", &[&user.unit_id])? else {
        return Ok(None);
    };
    let unit: Unit = super::body(&row, "unit")?;
    Ok(Some(Actor { user, unit }))
}

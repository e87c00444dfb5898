//! The core's `World` over the server's projections inside the appending transaction, so each
//! event of a batch is decided against what the ones before it did. The trait returns plain
//! options, so the first database error is kept aside and raised after the core returns.

use std::cell::RefCell;

use postgres::types::ToSql;
use postgres::Transaction;
use serde::de::DeserializeOwned;
use taizhang_core::calendar::Calendar;
use taizhang_core::monitoring::{IndicatorReport, Month, Project, ProjectProgress, RaisedWarning};
use taizhang_core::workflow::World;
use taizhang_core::*;

use crate::error::{Result, ServerError};

pub struct PgWorld<'a, 't> {
    tx: RefCell<&'a mut Transaction<'t>>,
    error: RefCell<Option<ServerError>>,
}

impl<'a, 't> PgWorld<'a, 't> {
    pub fn new(tx: &'a mut Transaction<'t>) -> Self {
        PgWorld { tx: RefCell::new(tx), error: RefCell::new(None) }
    }

    pub fn into_result(self) -> Result<()> {
        self.error.into_inner().map_or(Ok(()), Err)
    }

    fn keep<T>(&self, r: Result<Option<T>>) -> Option<T> {
        r.unwrap_or_else(|e| {
            self.error.borrow_mut().get_or_insert(e);
            None
        })
    }

    /// The JSONB `body` of the one row `sql` finds.
    fn body<T: DeserializeOwned>(&self, sql: &str, arg: &str) -> Option<T> {
        let r = (|| {
            let row = self.tx.borrow_mut().query_opt(sql, &[&arg])?;
            row.map(|r| {
                serde_json::from_value(r.get(0)).map_err(|e| ServerError::Internal(format!("stored aggregate: {e}")))
            })
            .transpose()
        })();
        self.keep(r)
    }

    /// The JSONB `body` of the one row `sql` finds with `args`.
    fn body_of<T: DeserializeOwned>(&self, sql: &str, args: &[&(dyn ToSql + Sync)]) -> Option<T> {
        let r = (|| {
            let row = self.tx.borrow_mut().query_opt(sql, args)?;
            row.map(|r| {
                serde_json::from_value(r.get(0)).map_err(|e| ServerError::Internal(format!("stored aggregate: {e}")))
            })
            .transpose()
        })();
        self.keep(r)
    }

    fn bodies<T: DeserializeOwned>(&self, sql: &str) -> Vec<T> {
        let r = (|| {
            let rows = self.tx.borrow_mut().query(sql, &[])?;
            rows.iter()
                .map(|r| {
                    serde_json::from_value(r.get(0))
                        .map_err(|e| ServerError::Internal(format!("stored aggregate: {e}")))
                })
                .collect::<Result<Vec<T>>>()
                .map(Some)
        })();
        self.keep(r).unwrap_or_default()
    }

    fn text(&self, sql: &str, args: &[&(dyn ToSql + Sync)]) -> Option<String> {
        let r = self.tx.borrow_mut().query_opt(sql, args).map(|row| row.map(|r| r.get(0))).map_err(ServerError::from);
        self.keep(r)
    }
}

impl World for PgWorld<'_, '_> {
    fn unit(&self, id: &str) -> Option<Unit> {
        self.body("SELECT body FROM units WHERE id = $1", id)
    }
    fn unit_by_name(&self, name: &str) -> Option<Unit> {
        self.body("SELECT body FROM units WHERE name = $1", name)
    }
    fn user(&self, id: &str) -> Option<User> {
        self.body("SELECT body FROM users WHERE id = $1", id)
    }
    fn user_by_login(&self, login: &str) -> Option<User> {
        self.body("SELECT body FROM users WHERE login = $1", login)
    }
    fn all_units(&self) -> Vec<Unit> {
        self.bodies("SELECT body FROM units ORDER BY id")
    }
    fn all_logins(&self) -> Vec<String> {
        self.bodies::<User>("SELECT body FROM users ORDER BY id").into_iter().map(|u| u.login).collect()
    }
    fn enterprise(&self, id: &str) -> Option<Enterprise> {
        self.body("SELECT body FROM enterprises WHERE id = $1", id)
    }
    fn enterprise_by_credit_code(&self, code: &str) -> Option<Enterprise> {
        self.body("SELECT body FROM enterprises WHERE credit_code = $1 ORDER BY id LIMIT 1", code)
    }
    fn visit(&self, id: &str) -> Option<Visit> {
        self.body("SELECT body FROM visits WHERE id = $1", id)
    }
    fn problem(&self, id: &str) -> Option<Problem> {
        self.body("SELECT body FROM problems WHERE id = $1", id)
    }
    fn problem_id_by_number(&self, number: &str) -> Option<Id> {
        self.text("SELECT id FROM problems WHERE number = $1 ORDER BY id LIMIT 1", &[&number])
    }
    fn problem_id_by_import_key(&self, key: &str) -> Option<Id> {
        self.text("SELECT problem_id FROM problem_imports WHERE import_key = $1", &[&key])
    }
    fn next_problem_seq(&self, year: i32, township_id: &str) -> u32 {
        let r = self
            .tx
            .borrow_mut()
            .query_one(
                "SELECT coalesce(max(number_seq), 0) + 1 FROM problems WHERE number_year = $1 AND township_id = $2",
                &[&year, &township_id],
            )
            .map(|r| Some(r.get::<_, i32>(0) as u32))
            .map_err(ServerError::from);
        self.keep(r).unwrap_or(1)
    }
    fn indicator_report(&self, enterprise_id: &str, month: Month) -> Option<IndicatorReport> {
        self.body_of(
            "SELECT body FROM indicator_reports WHERE enterprise_id = $1 AND month = $2",
            &[&enterprise_id, &month.to_string()],
        )
    }
    fn project(&self, id: &str) -> Option<Project> {
        self.body("SELECT body FROM projects WHERE id = $1", id)
    }
    fn project_progress(&self, project_id: &str, month: Month) -> Option<ProjectProgress> {
        self.body_of(
            "SELECT body FROM project_progress WHERE project_id = $1 AND month = $2",
            &[&project_id, &month.to_string()],
        )
    }
    fn warning(&self, id: &str) -> Option<(RaisedWarning, bool)> {
        let handled = self.text("SELECT handled::text FROM warnings WHERE id = $1", &[&id])?;
        let w = self.body("SELECT body FROM warnings WHERE id = $1", id)?;
        Some((w, handled == "true"))
    }
}

/// The calendar and settings in force: a fold of the applied calendar and settings events in
/// server order (a handful of rows), the same fold the desktop's tables hold.
pub fn context(tx: &mut Transaction<'_>) -> Result<(Calendar, Settings)> {
    let rows = tx.query(
        "SELECT kind, payload FROM events
         WHERE outcome = 'applied' AND kind IN ('calendar_year_set', 'calendar_day_set', 'settings_changed')
         ORDER BY server_seq",
        &[],
    )?;
    let mut calendar = Calendar::new();
    let mut settings = Settings::default();
    for row in rows {
        let kind: String = row.get(0);
        let payload: serde_json::Value =
            serde_json::from_str(row.get(1)).map_err(|e| ServerError::Internal(format!("stored payload: {e}")))?;
        match EventBody::from_parts(&kind, payload).map_err(|e| ServerError::Internal(format!("stored event: {e}")))? {
            EventBody::CalendarYearSet { year } => calendar.set_year(&year),
            EventBody::CalendarDaySet { date, off, name } => calendar.set_day(date, off, &name),
            EventBody::SettingsChanged { settings: s } => settings = s,
            _ => {}
        }
    }
    Ok((calendar, settings))
}

/// The acting user with their unit, as the projections hold them now.
pub fn actor(tx: &mut Transaction<'_>, login_or_id: &str) -> Result<Option<Actor>> {
    let Some(row) = tx.query_opt(
        "SELECT body FROM users WHERE id = $1 OR login = $1 ORDER BY (id = $1) DESC LIMIT 1",
        &[&login_or_id],
    )?
    else {
        return Ok(None);
    };
    let user: User =
        serde_json::from_value(row.get(0)).map_err(|e| ServerError::Internal(format!("stored user: {e}")))?;
    let Some(row) = tx.query_opt("SELECT body FROM units WHERE id = $1", &[&user.unit_id])? else {
        return Ok(None);
    };
    let unit: Unit =
        serde_json::from_value(row.get(0)).map_err(|e| ServerError::Internal(format!("stored unit: {e}")))?;
    Ok(Some(Actor { user, unit }))
}

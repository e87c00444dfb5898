//! The warnings board and the key projects, with the three levels answering for each item:
//! the responsible leader (包联领导), the lead unit (the township, or a project's 责任单位) and
//! the named handler (包联干部, or a project's 承办人). Raised warnings are the events'; a report
//! missing after its due day is read from the calendar each time (it closes itself when the
//! report comes in), listed by the enterprise or project that owes it, never omitted.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use taizhang_core::monitoring::projects::{completion_rate, pace, points_ahead, time_progress};
use taizhang_core::monitoring::warnings::missing_report_warning;
use taizhang_core::monitoring::*;
use taizhang_core::{local_date, Id};

use crate::error::Result;
use crate::Ledger;

/// What was done about a warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct WarningAction {
    pub note: String,
    pub visit_id: Option<Id>,
    pub problem_id: Option<Id>,
    pub problem_number: Option<String>,
    pub actor_name: String,
    pub at: String,
}

/// One item of the warnings board.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct WarningRow {
    pub id: String,
    pub subject: WarningSubject,
    pub subject_id: Id,
    pub subject_name: String,
    pub township_id: Id,
    pub township_name: String,
    pub period: Month,
    pub level: Level,
    pub rule: String,
    #[ts(type = "Record<string, unknown>")]
    pub params: Map<String, Value>,
    /// `None` for a missing report (read from the calendar, not raised).
    pub raised_at: Option<String>,
    pub open: bool,
    /// A missing report: it closes when the report comes in, not by a note.
    pub computed: bool,
    /// An open 橙 or 红 warning about an enterprise: a visit for its paired leader and cadre.
    pub visit_task: bool,
    pub responsible_leader: String,
    pub lead_unit: String,
    pub handler: String,
    pub actions: Vec<WarningAction>,
}

/// One key project with its figures as of a month.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProjectRow {
    pub project: Project,
    pub township_name: String,
    pub responsible_unit_name: String,
    pub service_unit_name: String,
    pub month: Month,
    /// This month's report, if in.
    pub progress: Option<ProjectProgress>,
    /// 年度累计完成投资 through the month (unknown when a month is missing and none was entered).
    pub year_to_date: Option<Amount>,
    pub completion_rate: Option<f64>,
    pub time_progress: f64,
    pub points_ahead: Option<f64>,
    pub pace: Option<Pace>,
    pub open_warnings: u32,
    /// The ledger problems raised from its difficulties (the link's other end).
    pub problems: Vec<LinkedProblem>,
}

/// A problem registered from a project's difficulties of a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LinkedProblem {
    pub problem_id: Id,
    pub number: String,
    pub month: Month,
    pub status: taizhang_core::Status,
}

/// Which items a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct WarningFilter {
    /// A township's own; `None` the district.
    #[serde(default)]
    pub township_id: Option<Id>,
    /// Only those still open.
    #[serde(default)]
    pub open_only: bool,
    /// Only those whose responsible leader is this name (a leader's 我的).
    #[serde(default)]
    pub leader: Option<String>,
}

impl Ledger {
    /// The warnings board as of `now`: raised warnings and missing reports, highest level first.
    pub fn warnings(&self, filter: &WarningFilter, now: DateTime<Utc>) -> Result<Vec<WarningRow>> {
        let mut out = self.raised_warnings(filter)?;
        out.extend(self.missing_reports(filter, now)?);
        if let Some(leader) = &filter.leader {
            out.retain(|w| &w.responsible_leader == leader);
        }
        out.sort_by(|a, b| {
            (b.open, b.level, b.period)
                .cmp(&(a.open, a.level, a.period))
                .then_with(|| a.subject_name.cmp(&b.subject_name))
        });
        Ok(out)
    }

    fn raised_warnings(&self, filter: &WarningFilter) -> Result<Vec<WarningRow>> {
        let actions = self.warning_actions()?;
        let mut st = self.conn.prepare_cached(
            "SELECT w.body, w.open, w.raised_at, w.township_id, t.name,
                    coalesce(e.name, p.name, w.subject_id), coalesce(e.paired_leader, ''), coalesce(e.steward, ''),
                    p.body, coalesce(ru.name, t.name)
             FROM warnings w JOIN units t ON t.id = w.township_id
             LEFT JOIN enterprises e ON w.subject = 'enterprise' AND e.id = w.subject_id
             LEFT JOIN projects p ON w.subject = 'project' AND p.id = w.subject_id
             LEFT JOIN units ru ON ru.id = json_extract(p.body, '$.responsible_unit_id')
             WHERE (?1 IS NULL OR w.township_id = ?1) AND (?2 = 0 OR w.open = 1)",
        )?;
        let mut rows = st.query(rusqlite::params![filter.township_id, filter.open_only])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let body: String = r.get(0)?;
            let w: RaisedWarning = serde_json::from_str(&body)?;
            let open: bool = r.get(1)?;
            let project: Option<Project> =
                r.get::<_, Option<String>>(8)?.map(|b| serde_json::from_str(&b)).transpose()?;
            let (leader, handler) = match &project {
                Some(p) => (p.paired_leader.clone(), p.handler.clone()),
                None => (r.get(6)?, r.get(7)?),
            };
            out.push(WarningRow {
                visit_task: open && w.subject == WarningSubject::Enterprise && w.warning.level >= Level::Orange,
                actions: actions.get(&w.id).cloned().unwrap_or_default(),
                id: w.id,
                subject: w.subject,
                subject_id: w.subject_id,
                subject_name: r.get(5)?,
                township_id: r.get(3)?,
                township_name: r.get(4)?,
                period: w.period,
                level: w.warning.level,
                rule: w.warning.rule,
                params: w.warning.params,
                raised_at: Some(r.get(2)?),
                open,
                computed: false,
                responsible_leader: leader,
                lead_unit: r.get(9)?,
                handler,
            });
        }
        Ok(out)
    }

    fn warning_actions(&self) -> Result<BTreeMap<String, Vec<WarningAction>>> {
        let mut st = self.conn.prepare_cached(
            "SELECT a.warning_id, a.note, a.visit_id, a.problem_id, p.number, coalesce(u.name, a.actor), a.at
             FROM warning_actions a LEFT JOIN problems p ON p.id = a.problem_id LEFT JOIN users u ON u.id = a.actor
             ORDER BY a.rowid",
        )?;
        let mut rows = st.query([])?;
        let mut out: BTreeMap<String, Vec<WarningAction>> = BTreeMap::new();
        while let Some(r) = rows.next()? {
            out.entry(r.get(0)?).or_default().push(WarningAction {
                note: r.get(1)?,
                visit_id: r.get(2)?,
                problem_id: r.get(3)?,
                problem_number: r.get(4)?,
                actor_name: r.get(5)?,
                at: r.get(6)?,
            });
        }
        Ok(out)
    }

    /// Reports not in after their due day: each key enterprise's latest monthly report whose
    /// due day has passed, and each project's latest monthly progress.
    fn missing_reports(&self, filter: &WarningFilter, now: DateTime<Utc>) -> Result<Vec<WarningRow>> {
        let settings = self.cached().settings()?;
        let calendar = self.cached().calendar()?;
        let schedule = &settings.monitoring.schedule;
        let today = local_date(now);
        let mut out = Vec::new();
        let row = |subject,
                   id: &Id,
                   name: &str,
                   township: (&Id, &str),
                   period: Month,
                   w: Warning,
                   leader: &str,
                   lead: &str,
                   handler: &str| {
            WarningRow {
                id: format!("missing/{id}/{period}"),
                subject,
                subject_id: id.clone(),
                subject_name: name.to_string(),
                township_id: township.0.clone(),
                township_name: township.1.to_string(),
                period,
                level: w.level,
                rule: w.rule,
                params: w.params,
                raised_at: None,
                open: true,
                computed: true,
                visit_task: false,
                responsible_leader: leader.to_string(),
                lead_unit: lead.to_string(),
                handler: handler.to_string(),
                actions: Vec::new(),
            }
        };
        // The latest month whose monthly report is due before today (skipping an exempt one).
        let mut month = Month::of(today).previous();
        let due = loop {
            match schedule.monthly_due(month, &calendar) {
                Some(d) if d < today => break Some(d),
                Some(_) => month = month.previous(),
                None => month = month.previous(),
            }
            if month.year < today.year() - 1 {
                break None;
            }
        };
        if let Some(due) = due {
            let reported = self.report_meta("indicator_reports", month)?;
            for e in self.key_enterprises(filter.township_id.as_deref())? {
                let what = format!("{month} 月报");
                if let Some(w) =
                    missing_report_warning(&e.name, &what, due, today, reported.contains_key(&e.enterprise_id))
                {
                    out.push(row(
                        WarningSubject::Enterprise,
                        &e.enterprise_id,
                        &e.name,
                        (&e.township_id, &e.township_name),
                        month,
                        w,
                        &e.paired_leader,
                        &e.township_name,
                        &e.steward,
                    ));
                }
            }
        }
        // The latest 旬报 due before today.
        let (mut xmonth, mut xun) = (Month::of(today), Xun::Third);
        while schedule.xun_due(xmonth, xun, &calendar) >= today {
            (xmonth, xun) = match xun {
                Xun::First => (xmonth.previous(), Xun::Third),
                Xun::Second => (xmonth, Xun::First),
                Xun::Third => (xmonth, Xun::Second),
            };
        }
        let xdue = schedule.xun_due(xmonth, xun, &calendar);
        let reported = self.reported_xun(xmonth, xun)?;
        for e in self.key_enterprises(filter.township_id.as_deref())? {
            let what = format!("{xmonth} {} 产销旬报", xun.label_zh());
            if let Some(w) = missing_report_warning(&e.name, &what, xdue, today, reported.contains(&e.enterprise_id)) {
                let mut r = row(
                    WarningSubject::Enterprise,
                    &e.enterprise_id,
                    &e.name,
                    (&e.township_id, &e.township_name),
                    xmonth,
                    w,
                    &e.paired_leader,
                    &e.township_name,
                    &e.steward,
                );
                r.id = format!("missing/{}/{xmonth}/{}", e.enterprise_id, xun.key());
                out.push(r);
            }
        }
        let mut pmonth = Month::of(today).previous();
        if schedule.project_due(pmonth, &calendar) >= today {
            pmonth = pmonth.previous();
        }
        let pdue = schedule.project_due(pmonth, &calendar);
        let reported = self.report_meta("project_progress", pmonth)?;
        for p in self.projects(filter.township_id.as_deref(), pmonth)? {
            let what = format!("{pmonth} 项目进度月报");
            let started = p.project.planned_start.is_none_or(|d| d <= pmonth.last_day());
            let finished = p.project.stage == ProjectStage::InOperation;
            if started && !finished {
                if let Some(w) =
                    missing_report_warning(&p.project.name, &what, pdue, today, reported.contains_key(&p.project.id))
                {
                    out.push(row(
                        WarningSubject::Project,
                        &p.project.id,
                        &p.project.name,
                        (&p.project.township_id, &p.township_name),
                        pmonth,
                        w,
                        &p.project.paired_leader,
                        &p.responsible_unit_name,
                        &p.project.handler,
                    ));
                }
            }
        }
        Ok(out)
    }

    fn reported_xun(&self, month: Month, xun: Xun) -> Result<std::collections::BTreeSet<Id>> {
        let mut st =
            self.conn.prepare_cached("SELECT enterprise_id FROM production_reports WHERE month = ?1 AND xun = ?2")?;
        let rows = st.query_map([month.to_string(), xun.key().to_string()], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The key projects of `township_id` (or all) with their figures as of `month`.
    pub fn projects(&self, township_id: Option<&str>, month: Month) -> Result<Vec<ProjectRow>> {
        let rules = self.cached().settings()?.monitoring.warnings.clone();
        let mut st = self.conn.prepare_cached(
            "SELECT p.body, t.name, coalesce(ru.name, ''), coalesce(su.name, ''),
                    (SELECT count(*) FROM warnings w WHERE w.subject_id = p.id AND w.open = 1)
             FROM projects p JOIN units t ON t.id = p.township_id
             LEFT JOIN units ru ON ru.id = json_extract(p.body, '$.responsible_unit_id')
             LEFT JOIN units su ON su.id = json_extract(p.body, '$.service_unit_id')
             WHERE ?1 IS NULL OR p.township_id = ?1
             ORDER BY t.rowid, p.name",
        )?;
        let mut rows = st.query([township_id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let body: String = r.get(0)?;
            let project: Project = serde_json::from_str(&body)?;
            let history = self.project_history(&project.id)?;
            let of_year: Vec<&ProjectProgress> =
                history.iter().filter(|p| p.month.year == month.year && p.month <= month).collect();
            let progress = of_year.iter().find(|p| p.month == month).map(|p| (*p).clone());
            let year_to_date = progress.as_ref().and_then(|p| p.year_to_date).or_else(|| {
                (1..=month.month)
                    .map(|m| of_year.iter().find(|p| p.month.month == m).map(|p| p.invested))
                    .try_fold(Amount::ZERO, |acc, v| v.map(|v| acc + v))
            });
            let rate = if project.plan_year == month.year {
                year_to_date.and_then(|y| completion_rate(y, project.annual_plan))
            } else {
                None
            };
            out.push(ProjectRow {
                township_name: r.get(1)?,
                responsible_unit_name: r.get(2)?,
                service_unit_name: r.get(3)?,
                month,
                progress,
                year_to_date,
                completion_rate: rate,
                time_progress: time_progress(month),
                points_ahead: rate.map(|x| points_ahead(x, month)),
                pace: rate.map(|x| pace(x, month, rules.pace_tolerance)),
                open_warnings: r.get(4)?,
                problems: self.project_problems(&project.id)?,
                project,
            });
        }
        Ok(out)
    }

    /// The problems raised from a project's difficulties, by month.
    pub fn project_problems(&self, project_id: &str) -> Result<Vec<LinkedProblem>> {
        let mut st = self.conn.prepare_cached(
            "SELECT o.problem_id, p.number, o.month, p.status FROM problem_origins o JOIN problems p ON p.id = o.problem_id
             WHERE o.project_id = ?1 ORDER BY o.month, p.number",
        )?;
        let mut rows = st.query([project_id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let month: String = r.get(2)?;
            out.push(LinkedProblem {
                problem_id: r.get(0)?,
                number: r.get(1)?,
                month: Month::parse(&month)?,
                status: crate::read::parse_enum(r.get(3)?, taizhang_core::Status::parse)?,
            });
        }
        Ok(out)
    }

    /// A project's monthly reports, oldest first.
    pub fn project_history(&self, project_id: &str) -> Result<Vec<ProjectProgress>> {
        let mut st =
            self.conn.prepare_cached("SELECT body FROM project_progress WHERE project_id = ?1 ORDER BY month")?;
        let rows = st.query_map([project_id], |r| r.get::<_, String>(0))?;
        rows.map(|b| Ok(serde_json::from_str(&b?)?)).collect()
    }

    /// Where a problem came from, if from a warning or a project's difficulties.
    pub fn problem_origin(&self, problem_id: &str) -> Result<Option<ProblemOrigin>> {
        use rusqlite::OptionalExtension;
        let row: Option<(Option<String>, Option<String>, Option<String>)> = self
            .conn
            .prepare_cached("SELECT warning_id, project_id, month FROM problem_origins WHERE problem_id = ?1")?
            .query_row([problem_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        Ok(row.and_then(|(w, p, m)| match (w, p, m) {
            (Some(warning_id), _, _) => Some(ProblemOrigin::Warning { warning_id }),
            (None, Some(project_id), Some(m)) => {
                Month::parse(&m).ok().map(|month| ProblemOrigin::Project { project_id, month })
            }
            _ => None,
        }))
    }
}

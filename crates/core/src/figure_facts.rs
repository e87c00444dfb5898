//! The countable acts of a problem, dated and credited to a unit: what the scorecard sums.
//!
//! Every period figure of docs/design.md §6 is a count of acts whose Beijing date falls in the
//! period (an assignment received, a sign on time, a resolution, a return upheld…). So a
//! problem contributes a fixed set of [`Fact`]s whatever the period, and a period's figures
//! are sums over the facts dated in it. The ledger keeps those sums per day as a projection
//! (updated by the difference of a problem's facts before and after each event), and
//! `figures::scorecard` over aggregates goes through the same facts, so there is one rule.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::*;
use crate::problem::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// Unit: the township; detail: the problem's category. Dated when registered.
    Registered,
    /// Unit: the township. Dated when closed out.
    Closed,
    /// Unit: the lead department; one per assignment or reassignment.
    Assigned,
    /// Unit: a supporter, as first given with an assignment.
    SupportTask,
    /// Unit: the department that signed; `yes`: on or before the sign deadline.
    Signed,
    /// Unit: the lead department; `yes`: on time, `solved`: 已解决; `started_on`: when the
    /// round's clock started (for the average working days to resolve).
    Resolved,
    /// Unit: the township (就地解决); `solved`: 已解决.
    ResolvedLocally,
    ReturnMade,
    /// Dated when the office upheld it.
    ReturnUpheld,
    ExtensionAsked,
    /// Dated when the office approved it.
    ExtensionGranted,
    /// Unit: the department whose resolution was evaluated; `yes`: satisfied or basically so.
    Evaluated,
    /// Unit: the township (回访: an evaluation recorded for one of its problems).
    Callback,
    /// Unit: a supporter of the current assignment; `yes`: on or before its sub-deadline.
    Opinion,
    /// A visit (走访) recorded: unit the township, detail the enterprise, dated the visit's day.
    Visit,
    /// Undated: the problem as it stands, detail its status (the summary's count per status).
    Status,
    /// Per category (detail; no unit), for the report's category sheet: a resolution of any
    /// kind (`solved`: 已解决), a close-out, an evaluation (`yes`: positive).
    CategoryResolved,
    CategoryClosed,
    CategoryEvaluated,
}

impl FactKind {
    pub const ALL: [FactKind; 19] = [
        FactKind::Registered,
        FactKind::Closed,
        FactKind::Assigned,
        FactKind::SupportTask,
        FactKind::Signed,
        FactKind::Resolved,
        FactKind::ResolvedLocally,
        FactKind::ReturnMade,
        FactKind::ReturnUpheld,
        FactKind::ExtensionAsked,
        FactKind::ExtensionGranted,
        FactKind::Evaluated,
        FactKind::Callback,
        FactKind::Opinion,
        FactKind::Visit,
        FactKind::Status,
        FactKind::CategoryResolved,
        FactKind::CategoryClosed,
        FactKind::CategoryEvaluated,
    ];

    pub fn key(self) -> &'static str {
        match self {
            FactKind::Registered => "registered",
            FactKind::Closed => "closed",
            FactKind::Assigned => "assigned",
            FactKind::SupportTask => "support_task",
            FactKind::Signed => "signed",
            FactKind::Resolved => "resolved",
            FactKind::ResolvedLocally => "resolved_locally",
            FactKind::ReturnMade => "return_made",
            FactKind::ReturnUpheld => "return_upheld",
            FactKind::ExtensionAsked => "extension_asked",
            FactKind::ExtensionGranted => "extension_granted",
            FactKind::Evaluated => "evaluated",
            FactKind::Callback => "callback",
            FactKind::Opinion => "opinion",
            FactKind::Visit => "visit",
            FactKind::Status => "status",
            FactKind::CategoryResolved => "category_resolved",
            FactKind::CategoryClosed => "category_closed",
            FactKind::CategoryEvaluated => "category_evaluated",
        }
    }

    pub fn from_key(s: &str) -> Option<FactKind> {
        FactKind::ALL.into_iter().find(|k| k.key() == s)
    }
}

/// What identifies a tally: the day (none for a fact about the present), the kind of act, the unit credited (empty when none),
/// a detail (the category of a registration, the enterprise of a visit, empty otherwise) and
/// the day the clock started (resolutions by a department only).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FactKey {
    pub on: Option<NaiveDate>,
    pub kind: FactKind,
    pub unit_id: Id,
    pub detail: String,
    pub started_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FactTally {
    pub n: i64,
    /// On time (signs, resolutions, opinions) or positive (evaluations).
    pub yes: i64,
    /// Of type 已解决 (resolutions).
    pub solved: i64,
}

impl FactTally {
    pub fn add(&mut self, o: FactTally) {
        self.n += o.n;
        self.yes += o.yes;
        self.solved += o.solved;
    }
    pub fn sub(&mut self, o: FactTally) {
        self.n -= o.n;
        self.yes -= o.yes;
        self.solved -= o.solved;
    }
    pub fn is_zero(&self) -> bool {
        *self == FactTally::default()
    }
}

pub type Facts = BTreeMap<FactKey, FactTally>;

/// Every countable act of one problem, tallied by key.
pub fn facts_of(p: &Problem) -> Facts {
    type At = chrono::DateTime<chrono::Utc>;
    let mut out = Facts::new();
    let mut put = |at: At, kind: FactKind, unit: &str, yes: bool, solved: bool, detail: &str, started: Option<At>| {
        let key = FactKey {
            on: Some(local_date(at)),
            kind,
            unit_id: unit.to_string(),
            detail: detail.to_string(),
            started_on: started.map(local_date),
        };
        out.entry(key).or_default().add(FactTally { n: 1, yes: yes as i64, solved: solved as i64 });
    };
    // The registration carries the category: the summary counts problems per category.
    put(p.registered_at, FactKind::Registered, &p.township_id, false, false, &p.category, None);
    let mut act = |at: At, kind: FactKind, unit: &str, yes: bool| put(at, kind, unit, yes, false, "", None);
    if let Some(t) = p.closed_at {
        act(t, FactKind::Closed, &p.township_id, false);
    }
    for a in &p.assignments {
        act(a.at, FactKind::Assigned, &a.lead_unit_id, false);
        for s in &a.supporters {
            act(a.at, FactKind::SupportTask, &s.unit_id, false);
        }
    }
    for s in &p.signs {
        act(s.at, FactKind::Signed, &s.unit_id, s.on_time);
    }
    for r in &p.returns {
        act(r.at, FactKind::ReturnMade, &r.unit_id, false);
        if let (Some(true), Some(t)) = (r.upheld, r.ruled_at) {
            act(t, FactKind::ReturnUpheld, &r.unit_id, false);
        }
    }
    for e in &p.extensions {
        act(e.at, FactKind::ExtensionAsked, &e.unit_id, false);
        if let (Some(true), Some(t)) = (e.approved, e.ruled_at) {
            act(t, FactKind::ExtensionGranted, &e.unit_id, false);
        }
    }
    for ev in &p.evaluations {
        if let Some(unit) = &ev.lead_unit_id {
            act(ev.at, FactKind::Evaluated, unit, ev.satisfaction.is_positive());
        }
        act(ev.at, FactKind::Callback, &p.township_id, false);
    }
    if let Some(a) = &p.assignment {
        for s in &a.supporters {
            if let Some(at) = s.opinion_at {
                act(at, FactKind::Opinion, &s.unit_id, local_date(at) <= s.sub_deadline);
            }
        }
    }
    let category = p.category.as_str();
    if let Some(t) = p.closed_at {
        put(t, FactKind::CategoryClosed, "", false, false, category, None);
    }
    for ev in &p.evaluations {
        put(ev.at, FactKind::CategoryEvaluated, "", ev.satisfaction.is_positive(), false, category, None);
    }
    for r in &p.resolutions {
        let solved = r.result_type == ResultType::Solved;
        put(r.at, FactKind::CategoryResolved, "", false, solved, category, None);
        match &r.unit_id {
            Some(unit) => put(r.at, FactKind::Resolved, unit, r.on_time, solved, "", Some(r.started_at)),
            None => put(r.at, FactKind::ResolvedLocally, &p.township_id, false, solved, "", None),
        }
    }
    let status = FactKey {
        on: None,
        kind: FactKind::Status,
        unit_id: String::new(),
        detail: p.status.key().to_string(),
        started_on: None,
    };
    out.insert(status, FactTally { n: 1, yes: 0, solved: 0 });
    out
}

/// The fact of one visit.
pub fn visit_fact(v: &Visit) -> (FactKey, FactTally) {
    let key = FactKey {
        on: Some(v.date),
        kind: FactKind::Visit,
        unit_id: v.township_id.clone(),
        detail: v.enterprise_id.clone(),
        started_on: None,
    };
    (key, FactTally { n: 1, yes: 0, solved: 0 })
}

/// What changes in the tallies when a problem's facts go from `before` to `after`: the
/// keys whose tally differs, with the difference (after − before).
pub fn fact_changes(before: &Facts, after: &Facts) -> Vec<(FactKey, FactTally)> {
    let mut diff: BTreeMap<&FactKey, FactTally> = BTreeMap::new();
    for (k, t) in after {
        diff.entry(k).or_default().add(*t);
    }
    for (k, t) in before {
        diff.entry(k).or_default().sub(*t);
    }
    diff.into_iter().filter(|(_, t)| !t.is_zero()).map(|(k, t)| (k.clone(), t)).collect()
}

/// The facts of a period, summed: per kind, unit and detail, plus the resolutions by a
/// department counted per day they started and per day they ended. Working days between two
/// dates are a difference of a running count (`Calendar::working_days_between` is additive),
/// so the average days to resolve needs only those two day counts, not every resolution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodTallies {
    pub by_kind: BTreeMap<(FactKind, Id, String), FactTally>,
    /// (unit, day) → resolutions whose round started that day.
    pub resolution_starts: BTreeMap<(Id, NaiveDate), i64>,
    /// (unit, day) → resolutions made that day.
    pub resolution_ends: BTreeMap<(Id, NaiveDate), i64>,
}

impl PeriodTallies {
    /// Adds the tallies of facts dated from `start` to `end` (inclusive).
    pub fn add_facts<'a>(
        &mut self,
        facts: impl IntoIterator<Item = (&'a FactKey, &'a FactTally)>,
        start: NaiveDate,
        end: NaiveDate,
    ) {
        for (k, t) in facts {
            let Some(on) = k.on.filter(|on| (start..=end).contains(on)) else { continue };
            self.by_kind.entry((k.kind, k.unit_id.clone(), k.detail.clone())).or_default().add(*t);
            if let (FactKind::Resolved, Some(started)) = (k.kind, k.started_on) {
                *self.resolution_starts.entry((k.unit_id.clone(), started)).or_default() += t.n;
                *self.resolution_ends.entry((k.unit_id.clone(), on)).or_default() += t.n;
            }
        }
    }

    /// The tally of one kind summed over units and details.
    pub fn total(&self, kind: FactKind) -> FactTally {
        let mut t = FactTally::default();
        for ((k, _, _), v) in &self.by_kind {
            if *k == kind {
                t.add(*v);
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kind: FactKind, unit: &str) -> FactKey {
        FactKey {
            on: NaiveDate::from_ymd_opt(2026, 3, 2),
            kind,
            unit_id: unit.into(),
            detail: String::new(),
            started_on: None,
        }
    }

    #[test]
    fn changes_are_the_difference_and_leave_out_equal_keys() {
        let one = FactTally { n: 1, yes: 1, solved: 0 };
        let before: Facts = [(key(FactKind::Signed, "a"), one), (key(FactKind::Assigned, "a"), one)].into();
        let after: Facts = [(key(FactKind::Assigned, "a"), one), (key(FactKind::Assigned, "b"), one)].into();
        let changes = fact_changes(&before, &after);
        assert_eq!(
            changes,
            vec![
                (key(FactKind::Assigned, "b"), one),
                (key(FactKind::Signed, "a"), FactTally { n: -1, yes: -1, solved: 0 }),
            ]
        );
    }

    #[test]
    fn period_tallies_keep_only_dated_facts_and_count_resolution_days() {
        let mut k = key(FactKind::Resolved, "d");
        k.started_on = Some(NaiveDate::from_ymd_opt(2026, 2, 20).unwrap());
        let facts: Facts = [
            (k.clone(), FactTally { n: 2, yes: 1, solved: 2 }),
            (key(FactKind::Assigned, "d"), FactTally { n: 1, ..Default::default() }),
        ]
        .into();
        let mut t = PeriodTallies::default();
        t.add_facts(
            &facts,
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        );
        assert_eq!(t.total(FactKind::Resolved), FactTally { n: 2, yes: 1, solved: 2 });
        assert_eq!(t.resolution_starts.get(&("d".to_string(), k.started_on.unwrap())), Some(&2));
        assert_eq!(t.resolution_ends.get(&("d".to_string(), k.on.unwrap())), Some(&2));
        let mut april = PeriodTallies::default();
        april.add_facts(
            &facts,
            NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 4, 30).unwrap(),
        );
        assert_eq!(april, PeriodTallies::default());
    }

    #[test]
    fn kinds_round_trip_through_their_keys() {
        for k in FactKind::ALL {
            assert_eq!(FactKind::from_key(k.key()), Some(k));
        }
    }
}

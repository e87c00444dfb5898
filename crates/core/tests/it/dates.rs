//! Dates out of range, deactivated units and imported numbers (docs/reliability.md, "Dates out
//! of range, inactive units, imported numbers").
//!
//! Events are append-only, so a date that gets into one stays forever: every date an event
//! would carry (typed, imported, computed from the calendar) and the clock itself must be in
//! the ledger's range, or the command is refused before any event exists.

use crate::support::cmds::*;
use crate::support::*;
use taizhang_core::command::SupporterRequest;
use taizhang_core::dates::{event_dates, DateRange};
use taizhang_core::import::{ImportOrigin, ImportedProblem};
use taizhang_core::*;

const OUT: &str = "input.date_out_of_range";
const CLOCK: &str = "clock.out_of_range";

fn now() -> chrono::DateTime<chrono::Utc> {
    at(2026, 3, 2)
}

/// The clock at 10:00 Beijing on a day chrono can hold but the ledger must not accept.
fn at_any(y: i32, m: u32, day: u32) -> chrono::DateTime<chrono::Utc> {
    d(y, m, day).and_hms_opt(2, 0, 0).unwrap().and_utc()
}

fn row(pid: &str, number: Option<&str>, raised_on: chrono::NaiveDate) -> ImportedProblem {
    ImportedProblem {
        problem_id: pid.into(),
        number: number.map(String::from),
        enterprise_id: E1.into(),
        source: Source::Visit,
        category: "融资".into(),
        description: format!("导入的问题 {pid}"),
        demand: String::new(),
        raised_on,
        priority: Priority::Normal,
        responsible_leader: String::new(),
        lead_unit_id: None,
        handler: String::new(),
        supporter_unit_ids: vec![],
        assigned_on: None,
        handling_deadline: None,
        signed_on: None,
        progress: String::new(),
        resolved_on: None,
        result_type: None,
        result_text: String::new(),
        satisfaction: None,
        closed_on: None,
        status: Status::Registered,
        origin: ImportOrigin {
            file: "台账.xlsx".into(),
            sheet: "问题台账".into(),
            row: 3,
            file_sha256: String::new(),
            key: format!("text:{pid}"),
        },
    }
}

fn import(r: ImportedProblem) -> Command {
    Command::ImportProblem { problem: r }
}

#[test]
fn a_typed_date_outside_the_range_is_refused_by_field() {
    let mut w = District::new();
    for bad in [d(-1, 1, 1), d(1999, 12, 31), d(0, 1, 1), chrono::NaiveDate::MIN] {
        assert_eq!(w.code(T1, register("p", E1, Priority::Normal, "融资", bad), now()), OUT, "{bad}");
        assert_eq!(w.code(T1, visit("v", E1, bad), now()), OUT, "{bad}");
        assert_eq!(
            w.code(OFFICE, Command::SetCalendarDay { date: bad, off: Some(true), name: "x".into() }, now()),
            OUT
        );
    }
    // The edge itself is inside.
    w.ok(T1, register("p", E1, Priority::Normal, "融资", d(2000, 1, 1)), now());
    w.ok(T1, visit("v", E1, d(2000, 1, 1)), now());
    let err = w.exec(T1, register("p2", E1, Priority::Normal, "融资", d(-1, 1, 1)), now()).unwrap_err();
    assert_eq!(
        err,
        DomainError::DateOutOfRange {
            field: "raised_on".into(),
            date: "-0001-01-01".into(),
            first: "2000-01-01".into(),
            last: "2099-12-31".into()
        }
    );
    // Far future: a calendar day, an override at assignment, an extension.
    w.ok(OFFICE, Command::SetCalendarDay { date: d(2099, 12, 31), off: Some(true), name: "x".into() }, now());
    assert_eq!(
        w.code(OFFICE, Command::SetCalendarDay { date: d(2100, 1, 1), off: Some(true), name: "x".into() }, now()),
        OUT
    );
    let mut far = request(U_D1, &[U_D2]);
    far.handling_deadline = Some(d(9999, 1, 1));
    assert_eq!(w.code(OFFICE, assign_req("p", far.clone()), now()), OUT);
    far.handling_deadline = None;
    far.sign_deadline = Some(d(2150, 1, 1));
    assert_eq!(w.code(OFFICE, assign_req("p", far.clone()), now()), OUT);
    far.sign_deadline = None;
    far.supporters = vec![SupporterRequest { unit_id: U_D2.into(), sub_deadline: Some(d(3000, 1, 1)) }];
    assert_eq!(w.code(OFFICE, assign_req("p", far), now()), OUT);
    w.in_progress("q", now());
    assert_eq!(w.code(D1, extend("q", d(9999, 12, 31), "需要时间"), now()), OUT);
    w.ok(D1, extend("q", d(2099, 12, 31), "需要时间"), now());
}

#[test]
fn the_clock_outside_the_range_refuses_every_command() {
    for t in [at_any(-1, 6, 1), at_any(9999, 6, 1), at_any(1999, 12, 31), at_any(2100, 1, 1)] {
        let mut w = District::new();
        w.in_progress("q", now());
        let cmds = [
            (T1, register("p", E1, Priority::Normal, "融资", d(2026, 3, 2))),
            (T1, visit("v", E1, d(2026, 3, 2))),
            (
                OFFICE,
                Command::CreateUnit {
                    unit_id: "u".into(),
                    name: "新单位".into(),
                    short_name: "新".into(),
                    kind: UnitKind::Department,
                },
            ),
            (D1, progress("q")),
            (OFFICE, urge("q", Escalation::Yellow)),
            (OFFICE, Command::UpdateSettings { settings: Settings { last_year: 9999, ..Settings::default() } }),
        ];
        for (login, cmd) in cmds {
            assert_eq!(w.code(login, cmd, t), CLOCK, "{t}");
        }
    }
    // The Beijing date decides: 16:00 UTC on 31 December 2099 is already 2100 in Beijing.
    let mut w = District::new();
    assert_eq!(w.code(OFFICE, urge_free_command(), utc(2099, 12, 31, 16, 0)), CLOCK);
    w.ok(OFFICE, urge_free_command(), utc(2099, 12, 31, 15, 59));
}

fn urge_free_command() -> Command {
    Command::CreateUnit {
        unit_id: "u-x".into(),
        name: "某单位".into(),
        short_name: "某".into(),
        kind: UnitKind::Department,
    }
}

#[test]
fn a_deadline_computed_past_the_edge_is_refused_too() {
    let mut w = District::new();
    let t = at(2099, 12, 21);
    w.registered("p", t);
    // 15 working days from 21 December 2099 fall in January 2100.
    assert_eq!(w.code(OFFICE, assign("p", U_D1, &[]), t), OUT);
    // Raising the far edge lets it through.
    w.update_settings(|s| s.last_year = 2100, t);
    w.ok(OFFICE, assign("p", U_D1, &[]), t);
    assert!(w.assignment("p").handling_deadline > d(2099, 12, 31));
}

#[test]
fn the_far_edge_is_a_setting_that_cannot_lock_the_ledger() {
    let mut w = District::new();
    let settings = |f: fn(&mut Settings)| {
        let mut s = Settings::default();
        f(&mut s);
        Command::UpdateSettings { settings: s }
    };
    assert_eq!(w.code(OFFICE, settings(|s| s.last_year = 10_000), now()), "input.invalid");
    assert_eq!(w.code(OFFICE, settings(|s| s.last_year = 1999), now()), "input.invalid");
    // At or before the current year, every later command would be refused.
    assert_eq!(w.code(OFFICE, settings(|s| s.last_year = 2026), now()), "input.invalid");
    assert_eq!(w.code(OFFICE, settings(|s| s.campaign_end = Some(d(2150, 1, 1))), now()), OUT);
    assert_eq!(w.code(OFFICE, settings(|s| s.campaign_start = Some(d(1999, 1, 1))), now()), OUT);
    // The new range counts for the change's own dates.
    w.ok(
        OFFICE,
        settings(|s| {
            s.last_year = 2200;
            s.campaign_end = Some(d(2150, 1, 1));
        }),
        now(),
    );
    w.ok(T1, register("p", E1, Priority::Normal, "融资", d(2026, 3, 1)), now());
    w.ok(OFFICE, urge_free_command(), at(2150, 6, 1));
    // A settings payload without the field (written before it existed) gets the default.
    let old: Settings = serde_json::from_str(r#"{"district_name":"旧区"}"#).unwrap();
    assert_eq!(old.last_year, 2099);
}

#[test]
fn an_imported_date_outside_the_range_is_refused_by_field() {
    type Set = fn(&mut ImportedProblem, chrono::NaiveDate);
    let fields: [(&str, Set); 6] = [
        ("raised_on", |r, x| r.raised_on = x),
        ("assigned_on", |r, x| r.assigned_on = Some(x)),
        ("handling_deadline", |r, x| r.handling_deadline = Some(x)),
        ("signed_on", |r, x| r.signed_on = Some(x)),
        ("resolved_on", |r, x| r.resolved_on = Some(x)),
        ("closed_on", |r, x| r.closed_on = Some(x)),
    ];
    for (field, set) in fields {
        for bad in [d(-1, 1, 1), d(1999, 12, 31)] {
            let mut w = District::new();
            let mut r = row("p", None, d(2026, 1, 5));
            r.lead_unit_id = Some(U_D1.into());
            r.status = Status::Closed;
            r.resolved_on = Some(d(2026, 1, 20));
            r.closed_on = Some(d(2026, 1, 25));
            set(&mut r, bad);
            match w.exec(OFFICE, import(r), now()) {
                Err(DomainError::DateOutOfRange { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field} {bad}: {other:?}"),
            }
        }
    }
    // A handling deadline far ahead is no future fact but still out of range.
    let mut w = District::new();
    let mut r = row("p", None, d(2026, 1, 5));
    r.lead_unit_id = Some(U_D1.into());
    r.status = Status::Assigned;
    r.handling_deadline = Some(d(9999, 1, 1));
    assert_eq!(w.code(OFFICE, import(r), now()), OUT);
}

/// Every date an event carries is listed by `event_dates`: the JSON of every event a full
/// life of commands makes holds exactly as many dates as the list, so a new date field that
/// the range check would miss fails here.
#[test]
fn event_dates_lists_every_date_of_every_event() {
    let mut w = District::new();
    let t = now();
    w.ok(T1, visit("v", E1, d(2026, 3, 1)), t);
    w.ok(OFFICE, Command::SetCalendarDay { date: d(2026, 5, 6), off: Some(true), name: "调休".into() }, t);
    let year = taizhang_core::calendar::builtin_years().into_iter().find(|y| y.year == 2026).unwrap();
    w.ok(OFFICE, Command::SetCalendarYear { year }, t);
    w.update_settings(
        |s| {
            s.campaign_start = Some(d(2026, 1, 1));
            s.campaign_end = Some(d(2026, 12, 31));
        },
        t,
    );
    w.disputed("a", t);
    w.ok(OFFICE, uphold("a"), t);
    w.disputed("b", t);
    w.ok(OFFICE, reassign("b", U_D3, &[U_D4]), t);
    w.in_progress("c", t);
    w.ok(D1, extend("c", d(2026, 6, 30), "需要时间"), t);
    w.resolved("e", t);
    w.ok(T1, evaluate("e", Satisfaction::Unsatisfied, "没解决"), t);
    let mut r = row("i", Some("台账-1"), d(2026, 1, 5));
    r.lead_unit_id = Some(U_D1.into());
    r.supporter_unit_ids = vec![U_D2.into()];
    r.assigned_on = Some(d(2026, 1, 6));
    r.handling_deadline = Some(d(2026, 2, 6));
    r.signed_on = Some(d(2026, 1, 7));
    r.resolved_on = Some(d(2026, 1, 20));
    r.closed_on = Some(d(2026, 1, 25));
    r.status = Status::Closed;
    w.ok(OFFICE, import(r), t);

    let is_date = |s: &str| s.len() == 10 && s.as_bytes()[4] == b'-' && s.parse::<chrono::NaiveDate>().is_ok();
    fn count(v: &serde_json::Value, is_date: &dyn Fn(&str) -> bool) -> usize {
        match v {
            serde_json::Value::String(s) => usize::from(is_date(s)),
            serde_json::Value::Array(a) => a.iter().map(|x| count(x, is_date)).sum(),
            serde_json::Value::Object(o) => o.values().map(|x| count(x, is_date)).sum(),
            _ => 0,
        }
    }
    let mut kinds = std::collections::BTreeSet::new();
    for (_, e) in &w.w.log {
        let (kind, payload) = e.to_parts();
        let listed = event_dates(e).len();
        // A calendar year is also listed by its first day.
        let extra = usize::from(matches!(e, EventBody::CalendarYearSet { .. }));
        assert_eq!(count(&payload, &is_date) + extra, listed, "{kind}: {payload}");
        if listed > 0 {
            kinds.insert(kind);
        }
    }
    for k in [
        "visit_recorded",
        "calendar_day_set",
        "calendar_year_set",
        "settings_changed",
        "problem_registered",
        "problem_imported",
        "assigned",
        "return_upheld",
        "reassigned",
        "extension_requested",
        "evaluated",
    ] {
        assert!(kinds.contains(k), "no {k} with dates was made: {kinds:?}");
    }
    // And the range check sees them: the same events are all inside the default range.
    let range = DateRange::of(&Settings::default());
    assert!(w.w.log.iter().all(|(_, e)| range.check_event(e).is_ok()));
}

#[test]
fn users_of_a_deactivated_unit_are_refused_like_deactivated_users() {
    let mut w = District::new();
    let t = now();
    w.assigned("p", t);
    let deactivate = |active: bool| Command::UpdateUnit {
        unit_id: U_T1.into(),
        name: "城关镇".into(),
        short_name: "城关".into(),
        active,
    };
    w.ok(OFFICE, deactivate(false), t);
    assert_eq!(w.code(T1, register("q", E1, Priority::Normal, "融资", d(2026, 3, 2)), t), "auth.unit_inactive");
    assert_eq!(w.code(T1, visit("v", E1, d(2026, 3, 2)), t), "auth.unit_inactive");
    assert!(w.available(T1, "p", t).is_empty(), "nothing is offered to a deactivated unit's user");
    match w.exec(T1, register("q", E1, Priority::Normal, "融资", d(2026, 3, 2)), t) {
        Err(DomainError::UnitInactive { user, unit }) => assert_eq!((user.as_str(), unit.as_str()), (T1, "城关镇")),
        other => panic!("{other:?}"),
    }
    // A department's users cannot sign once their unit is deactivated.
    w.ok(
        OFFICE,
        Command::UpdateUnit {
            unit_id: U_D1.into(), name: "发改局".into(), short_name: "发改".into(), active: false
        },
        t,
    );
    assert_eq!(w.code(D1, sign("p"), t), "auth.unit_inactive");
    assert_eq!(
        w.code(D1, Command::SetPassword { user_id: "user-d1".into(), password_hash: None }, t),
        "auth.unit_inactive"
    );
    // Reactivating the unit gives its users back their work.
    w.ok(OFFICE, deactivate(true), t);
    w.ok(T1, register("q", E1, Priority::Normal, "融资", d(2026, 3, 2)), t);
}

#[test]
fn an_imported_number_keeps_its_identity_without_steering_the_sequence() {
    let mut w = District::new();
    let t = now();
    w.registered("p1", t);
    assert_eq!(w.problem("p1").number, "2026-城关-0001");
    // The sheet's own numbers, in the ledger's own pattern: far ahead, and next year's first.
    w.ok(OFFICE, import(row("i1", Some("2026-城关-9999"), d(2026, 2, 1))), t);
    w.ok(OFFICE, import(row("i2", Some("2027-城关-0001"), d(2026, 2, 2))), t);
    w.ok(OFFICE, import(row("i3", Some(" 2026-城关-0003 "), d(2026, 2, 3))), t);
    assert_eq!(w.problem("i1").number, "2026-城关-9999");
    assert_eq!(w.problem("i3").number, "2026-城关-0003", "kept, trimmed");
    assert_eq!(w.problem("i1").number_place(), None);
    assert_eq!(w.problem("i3").problem_key(), "no:2026-城关-0003");
    // The sequence goes on from the ledger's own numbers; a number a sheet already holds is
    // passed over, and the one after it is the ledger's own again.
    w.registered("p2", t);
    assert_eq!(w.problem("p2").number, "2026-城关-0002");
    w.registered("p3", t);
    assert_eq!(w.problem("p3").number, "2026-城关-0004");
    w.registered("p4", t);
    assert_eq!(w.problem("p4").number, "2026-城关-0005");
    // A row without a number is numbered by the ledger in the year it was raised, in sequence.
    w.ok(OFFICE, import(row("i4", None, d(2026, 2, 4))), t);
    assert_eq!(w.problem("i4").number, "2026-城关-0006");
    assert_eq!(w.problem("i4").number_place(), Some((2026, 6)));
    // Next year starts at its first free number, not after the imported one.
    let next_year = at(2027, 1, 4);
    w.registered("n1", next_year);
    assert_eq!(w.problem("n1").number, "2027-城关-0002");
    w.registered("n2", next_year);
    assert_eq!(w.problem("n2").number, "2027-城关-0003");
    // The same number again is a duplicate, whatever the row's key said.
    let mut again = row("i5", Some("2026-城关-9999"), d(2026, 2, 5));
    again.origin.key = "text:other".into();
    assert_eq!(w.code(OFFICE, import(again), t), "input.duplicate");
}

trait ImportKey {
    fn problem_key(&self) -> String;
}

impl ImportKey for Problem {
    fn problem_key(&self) -> String {
        self.imported.as_ref().map(|o| o.key.clone()).unwrap_or_default()
    }
}

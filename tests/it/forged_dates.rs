//! Readers survive any date already stored (docs/reliability.md, "Dates out of range, inactive
//! units, imported numbers").
//!
//! The ledger now refuses dates outside its range before they become events, but a file may
//! carry older ones, or a forger's: someone with `sqlite3` appends events with year −1, 9999,
//! 10000 and chrono's first and last days, with valid chain hashes, so `verify` passes. Every
//! reader must then still work for everyone (the list, inbox, detail, timeline, exports,
//! figures, the report, rebuild) and show the odd date as it is stored, never fail the whole.

use chrono::{DateTime, NaiveDate, Utc};
use taizhang_core::event::{AssignmentTerms, SupporterTerms};
use taizhang_core::import::{ImportOrigin, ImportedProblem};
use taizhang_core::period::Period;
use taizhang_core::*;
use taizhang_exchange::export::{export_ledger_csv, export_ledger_xlsx, export_report_xlsx};
use taizhang_ledger::{ConsoleTab, Ledger, PageRequest, ProblemFilter, Sort, SortKey};
use taizhang_testsupport::{assign, at, date, district, register, District};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Appends an event to the ledger's own chain the way a forger would: with `sqlite3`, the
/// right previous hash and a valid hash of its own, bypassing `decide`.
fn forge(ledger: &Ledger, actor: &str, occurred_at: DateTime<Utc>, body: &EventBody) {
    taizhang_testsupport::forge::forge(ledger.connection(), None, ledger.device_id(), actor, occurred_at, body);
}

fn registered(pid: &str, number: &str, d: &District, raised_on: NaiveDate) -> EventBody {
    EventBody::ProblemRegistered {
        problem_id: pid.into(),
        number: number.into(),
        enterprise_id: d.enterprise.clone(),
        township_id: d.township.clone(),
        visit_id: None,
        source: Source::Visit,
        category: "用地".into(),
        description: format!("伪造日期的问题 {pid}"),
        demand: String::new(),
        raised_on,
        priority: Priority::Normal,
        responsible_leader: String::new(),
        attachments: Vec::new(),
    }
}

fn terms(d: &District, sign: NaiveDate, handling: NaiveDate, sub: NaiveDate) -> AssignmentTerms {
    AssignmentTerms {
        lead_unit_id: d.dept_a.clone(),
        handler: String::new(),
        supporters: vec![SupporterTerms { unit_id: d.dept_b.clone(), sub_deadline: sub }],
        sign_deadline: sign,
        objection_deadline: sign,
        handling_deadline: handling,
    }
}

/// The odd dates a stored event may carry, and a forged ledger holding them.
fn forged_ledger(dir: &std::path::Path) -> (Ledger, District, Vec<(String, NaiveDate)>) {
    let now = at(2026, 3, 2);
    let mut ledger = Ledger::create(&dir.join("ledger.db"), now).unwrap();
    let d = district(&mut ledger, now);
    register(&mut ledger, &d, "ok-1", now);
    ledger
        .execute("admin", &Command::Assign { problem_id: "ok-1".into(), request: assign(&d.dept_a, &[&d.dept_b]) }, now)
        .unwrap();
    let admin: String =
        ledger.connection().query_row("SELECT id FROM users WHERE login = 'admin'", [], |r| r.get(0)).unwrap();

    let year_minus_1 = ymd(-1, 1, 1);
    let year_9999 = ymd(9999, 12, 31);
    let year_10000 = ymd(10000, 1, 1);
    let clock_minus_1 = year_minus_1.and_hms_opt(2, 0, 0).unwrap().and_utc();
    let clock_9999 = ymd(9999, 6, 1).and_hms_opt(2, 0, 0).unwrap().and_utc();
    let clock_10000 = ymd(10000, 6, 1).and_hms_opt(2, 0, 0).unwrap().and_utc();
    let shown = vec![
        ("2026-城关-0101".to_string(), year_minus_1),
        ("2026-城关-0102".to_string(), year_9999),
        ("2026-城关-0103".to_string(), year_10000),
        ("2026-城关-0104".to_string(), NaiveDate::MIN),
        ("导入-9".to_string(), NaiveDate::MAX),
    ];
    // Registrations raised on the odd days, made with the clock at year −1, 9999 and 10000.
    forge(&ledger, &admin, clock_minus_1, &registered("f-1", &shown[0].0, &d, year_minus_1));
    forge(&ledger, &admin, clock_9999, &registered("f-2", &shown[1].0, &d, year_9999));
    forge(&ledger, &admin, clock_10000, &registered("f-3", &shown[2].0, &d, year_10000));
    forge(&ledger, &admin, now, &registered("f-4", &shown[3].0, &d, NaiveDate::MIN));
    // Assignments whose deadlines lie before 1900, after 9999, at the ends of chrono's range.
    forge(
        &ledger,
        &admin,
        clock_minus_1,
        &EventBody::Assigned { problem_id: "f-1".into(), terms: terms(&d, year_minus_1, year_minus_1, year_minus_1) },
    );
    forge(
        &ledger,
        &admin,
        now,
        &EventBody::Assigned { problem_id: "f-2".into(), terms: terms(&d, year_9999, year_10000, NaiveDate::MAX) },
    );
    forge(
        &ledger,
        &admin,
        now,
        &EventBody::Assigned {
            problem_id: "f-4".into(),
            terms: terms(&d, NaiveDate::MIN, NaiveDate::MAX, NaiveDate::MIN),
        },
    );
    forge(
        &ledger,
        &admin,
        now,
        &EventBody::Signed { problem_id: "f-2".into(), unit_id: d.dept_a.clone(), handler: String::new() },
    );
    forge(
        &ledger,
        &admin,
        clock_9999,
        &EventBody::ExtensionRequested {
            problem_id: "f-2".into(),
            unit_id: d.dept_a.clone(),
            new_deadline: NaiveDate::MAX,
            reason: "伪造".into(),
        },
    );
    forge(
        &ledger,
        &admin,
        clock_10000,
        &EventBody::Resolved {
            problem_id: "f-3".into(),
            unit_id: d.dept_a.clone(),
            result_type: ResultType::Solved,
            result_text: "伪造".into(),
            explanation: String::new(),
            attachments: Vec::new(),
        },
    );
    // An imported row with every date at an end of the range.
    let row = ImportedProblem {
        problem_id: "f-5".into(),
        number: Some(shown[4].0.clone()),
        enterprise_id: d.enterprise.clone(),
        source: Source::Visit,
        category: "用地".into(),
        description: "伪造的导入行".into(),
        demand: String::new(),
        raised_on: NaiveDate::MAX,
        priority: Priority::Normal,
        responsible_leader: String::new(),
        lead_unit_id: Some(d.dept_a.clone()),
        handler: String::new(),
        supporter_unit_ids: vec![],
        assigned_on: Some(NaiveDate::MIN),
        handling_deadline: Some(NaiveDate::MAX),
        signed_on: Some(year_minus_1),
        progress: String::new(),
        resolved_on: Some(NaiveDate::MIN),
        result_type: Some(ResultType::Solved),
        result_text: String::new(),
        satisfaction: Some(Satisfaction::Satisfied),
        closed_on: Some(NaiveDate::MAX),
        status: Status::Closed,
        origin: ImportOrigin {
            file: "x.xlsx".into(),
            sheet: "s".into(),
            row: 2,
            file_sha256: String::new(),
            key: "no:导入-9".into(),
        },
    };
    let t = terms(&d, NaiveDate::MIN, NaiveDate::MAX, NaiveDate::MAX);
    let t = AssignmentTerms { supporters: vec![], ..t };
    forge(
        &ledger,
        &admin,
        clock_9999,
        &EventBody::ProblemImported {
            number: shown[4].0.clone(),
            township_id: d.township.clone(),
            terms: Some(t),
            row: Box::new(row),
        },
    );
    // A visit, calendar days and a campaign at the odd dates.
    let visit = Visit {
        id: "f-visit".into(),
        enterprise_id: d.enterprise.clone(),
        township_id: d.township.clone(),
        date: year_minus_1,
        visitors: "伪造".into(),
        form: VisitForm::OnSite,
        notes: String::new(),
    };
    forge(&ledger, &admin, clock_minus_1, &EventBody::VisitRecorded { visit });
    for day in [year_minus_1, year_10000, NaiveDate::MIN, NaiveDate::MAX] {
        forge(&ledger, &admin, now, &EventBody::CalendarDaySet { date: day, off: Some(true), name: "伪造".into() });
    }
    let mut settings = ledger.settings().unwrap();
    settings.campaign_start = Some(NaiveDate::MIN);
    settings.campaign_end = Some(NaiveDate::MAX);
    settings.last_year = i32::MAX;
    forge(&ledger, &admin, clock_9999, &EventBody::SettingsChanged { settings });
    (ledger, d, shown)
}

#[test]
fn every_reader_survives_dates_a_forger_stored() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ledger, d, shown) = forged_ledger(dir.path());
    let now = at(2026, 3, 10);

    // The chain is sound: the forger recomputed the hashes.
    let report = ledger.verify().unwrap();
    assert!(report.ok, "{report:?}");
    // The rules' replay does not pass them: it names the first forged event.
    let full = ledger.verify_full().unwrap();
    let first = full.first_not_admitted.as_ref().expect("a forged date is not admitted");
    assert!(!full.ok);
    assert_eq!((first.kind.as_str(), first.verdict.as_str()), ("problem_registered", "refused"), "{first:?}");
    assert!(first.occurred_at.starts_with("-0001-"), "{first:?}");
    // The forged events were never projected; a rebuild folds them, and a second rebuild
    // changes nothing.
    ledger.rebuild().unwrap();
    let again = ledger.rebuild().unwrap();
    assert!(again.differing_tables.is_empty(), "{again:?}");
    // Reopening checks the file and reads the context (calendar with odd days, settings).
    drop(ledger);
    let ledger = Ledger::open(&dir.path().join("ledger.db")).unwrap();
    ledger.calendar().unwrap();
    assert_eq!(ledger.settings().unwrap().campaign_start, Some(NaiveDate::MIN));

    // The list, in every order, each odd date shown as stored.
    for key in [
        SortKey::Registered,
        SortKey::Number,
        SortKey::Deadline,
        SortKey::Status,
        SortKey::Escalation,
        SortKey::Updated,
    ] {
        for descending in [false, true] {
            let page = ledger
                .list_problems(&ProblemFilter::default(), Sort { key, descending }, PageRequest::default(), now)
                .unwrap();
            assert_eq!(page.total, 6, "{key:?}");
            // Each row's registration day is its registration instant's, however odd.
            for row in &page.rows {
                assert_eq!(
                    row.registered_on,
                    local_date(ledger.problem(&row.number).unwrap().registered_at),
                    "{key:?}"
                );
            }
        }
    }
    let filters = [
        ProblemFilter { overdue: Some(true), ..Default::default() },
        ProblemFilter { escalation: Some(Escalation::Red), ..Default::default() },
        ProblemFilter { escalation: Some(Escalation::Reminder), ..Default::default() },
        ProblemFilter {
            registered_from: Some(date(2026, 1, 1)),
            registered_to: Some(date(2026, 12, 31)),
            ..Default::default()
        },
        ProblemFilter { deadline_from: Some(NaiveDate::MIN), deadline_to: Some(NaiveDate::MAX), ..Default::default() },
        ProblemFilter { text: Some("伪造".into()), ..Default::default() },
    ];
    for f in &filters {
        ledger.list_problems(f, Sort::default(), PageRequest::default(), now).unwrap();
    }
    // The inbox of the lead and of the supporter, the office console.
    for unit in [&d.dept_a, &d.dept_b] {
        let inbox = ledger.inbox(unit, now).unwrap();
        assert!(!inbox.to_sign.is_empty() || !inbox.to_handle.is_empty() || !inbox.supporter_tasks.is_empty());
    }
    ledger.office_console_counts(now).unwrap();
    for tab in ConsoleTab::ALL {
        ledger.office_console_page(tab, PageRequest::default(), now).unwrap();
    }
    // Each problem's detail and timeline, for a viewer who may act on it and one who may not.
    for (number, _) in &shown {
        for viewer in ["admin", "gx", "cg"] {
            let detail = ledger.problem_detail(number, Some(viewer), now).unwrap();
            assert!(!detail.timeline.is_empty());
        }
    }
    let f1 = ledger.problem("f-1").unwrap();
    assert_eq!(f1.raised_on, shown[0].1);
    assert_eq!(local_date(f1.registered_at), ymd(-1, 1, 1));
    assert_eq!(f1.assignment.unwrap().handling_deadline, ymd(-1, 1, 1));
    let f2 = ledger.problem_detail("f-2", Some("gx"), now).unwrap();
    assert_eq!(f2.problem.assignment.as_ref().unwrap().handling_deadline, ymd(10000, 1, 1));
    // The visits, enterprises.
    assert!(ledger.visits().unwrap().iter().any(|v| v.date == ymd(-1, 1, 1)));
    ledger.all_problems().unwrap();

    // Figures and the report over ordinary periods, and over one reaching the odd dates.
    let periods = [
        Period::year(2026).unwrap(),
        Period::month(2026, 3).unwrap(),
        Period::custom(ymd(1000, 1, 1), ymd(9999, 12, 31)).unwrap(),
    ];
    let report_path = dir.path().join("报表.xlsx");
    for p in &periods {
        ledger.scorecard(p, now).unwrap();
        ledger.scorecard_of_aggregates(p, now).unwrap();
        ledger.dashboard(p, now).unwrap();
        ledger.report(p, now).unwrap();
        export_report_xlsx(&ledger, p, now, taizhang_ledger::OutputTarget::replacing(&report_path)).unwrap();
    }

    // The exports, with the odd dates as text where a spreadsheet cannot hold them.
    let xlsx = dir.path().join("台账.xlsx");
    let summary =
        export_ledger_xlsx(&ledger, &ProblemFilter::default(), Sort::default(), now, &xlsx, &mut |_, _| {}).unwrap();
    assert_eq!(summary.rows, 6);
    let csv = dir.path().join("台账.csv");
    export_ledger_csv(&ledger, &ProblemFilter::default(), Sort::default(), now, &csv, &mut |_, _| {}).unwrap();
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&xlsx).unwrap();
    let sheet = wb.worksheet_range(taizhang_exchange::export::LEDGER_SHEET).unwrap();
    let cells: Vec<String> = sheet.rows().flatten().map(|c| c.to_string()).collect();
    for text in ["-0001-01-01", "+10000-01-01", &NaiveDate::MIN.to_string(), &NaiveDate::MAX.to_string()] {
        assert!(csv_text.contains(text), "the CSV shows {text}");
        assert!(cells.iter().any(|c| c == text), "the workbook shows {text}");
    }

    // And the ledger goes on: an ordinary command is decided and recorded.
    drop(ledger);
    let mut ledger = Ledger::open(&dir.path().join("ledger.db")).unwrap();
    register(&mut ledger, &d, "ok-2", now);
    assert!(ledger.verify().unwrap().ok);
}

//! 一企一档 on a real ledger file: one read gives the enterprise page its profile, its visits
//! with the problems raised at each, its problems as the list shows them, and for a key
//! enterprise its recent monthly figures, 旬报 and warnings; a township official's scope holds
//! only their own enterprises. And the office's 待交办 queue: how long each registration has
//! waited (已等待 N 天), from the ledger, longest first.

use taizhang_core::monitoring::*;
use taizhang_core::*;
use taizhang_ledger::{ConsoleTab, Ledger, PageRequest, FILE_MONTHS};
use taizhang_testsupport::district::id;
use taizhang_testsupport::enterprise::enterprise;
use taizhang_testsupport::ledger::district_file;
use taizhang_testsupport::{assign, at, date, District};

fn visit(l: &mut Ledger, vid: &str, e: &str, on: chrono::NaiveDate, who: &str, now: chrono::DateTime<chrono::Utc>) {
    let visit = Visit {
        id: vid.into(),
        enterprise_id: e.into(),
        township_id: String::new(),
        date: on,
        visitors: who.into(),
        form: VisitForm::OnSite,
        notes: String::new(),
    };
    l.execute("cg", &Command::RecordVisit { visit }, now).unwrap();
}

fn register(l: &mut Ledger, pid: &str, e: &str, visit: Option<&str>, text: &str, now: chrono::DateTime<chrono::Utc>) {
    let cmd = Command::Register {
        problem_id: pid.into(),
        enterprise_id: Some(e.into()),
        new_enterprise: None,
        visit_id: visit.map(String::from),
        source: Source::Visit,
        category: "融资".into(),
        description: text.into(),
        demand: format!("{text}，请协调"),
        raised_on: local_date(now),
        priority: Priority::Normal,
        responsible_leader: String::new(),
        origin: None,
        attachments: Vec::new(),
    };
    l.execute("cg", &cmd, now).unwrap();
}

fn indicators(e: &str, month: Month, output: f64) -> Command {
    let a = |v: f64| Amount((v * 100.0).round() as i64);
    Command::ReportIndicators {
        report: IndicatorReport {
            enterprise_id: e.into(),
            month,
            entries: vec![IndicatorEntry {
                key: "gross_output".into(),
                value: a(output),
                cumulative: None,
                last_year: Some(a(1000.0)),
            }],
            note: String::new(),
            late: false,
        },
    }
}

/// e1 (城关, 区级重点): visits on 3-02 (two problems) and 3-16 (none), a problem without a
/// visit, one of the first visit's problems assigned; February's and March's figures.
fn history(l: &mut Ledger, d: &District) {
    let e1 = d.enterprise.as_str();
    visit(l, "v1", e1, date(2026, 3, 2), "张镇街、王干部", at(2026, 3, 2));
    register(l, "p1", e1, Some("v1"), "流动资金紧张", at(2026, 3, 2));
    register(l, "p2", e1, Some("v1"), "厂房用地指标未落实", at(2026, 3, 2));
    // Another township's enterprise, with a visit of its own.
    let theirs = Visit {
        id: "v9".into(),
        enterprise_id: d.enterprise2.clone(),
        township_id: String::new(),
        date: date(2026, 3, 3),
        visitors: "李镇街".into(),
        form: VisitForm::Phone,
        notes: String::new(),
    };
    l.execute("xs", &Command::RecordVisit { visit: theirs }, at(2026, 3, 3)).unwrap();
    l.execute("cg", &indicators(e1, Month::new(2026, 2).unwrap(), 950.0), at(2026, 3, 5)).unwrap();
    visit(l, "v2", e1, date(2026, 3, 16), "张镇街", at(2026, 3, 16));
    register(l, "p3", e1, None, "员工宿舍不足", at(2026, 3, 20));
    l.execute("admin", &Command::Assign { problem_id: "p2".into(), request: assign(&d.dept_a, &[]) }, at(2026, 3, 23))
        .unwrap();
    l.execute("cg", &indicators(e1, Month::new(2026, 3).unwrap(), 900.0), at(2026, 4, 3)).unwrap();
}

#[test]
fn the_enterprise_file_holds_its_visits_problems_and_monitoring() {
    let mut f = district_file();
    let d = f.district.clone();
    let l = &mut f.ledger;
    history(l, &d);
    let now = at(2026, 4, 10);

    let file = l.enterprise_file(&d.enterprise, Some(&d.township), now).unwrap();
    assert_eq!(file.enterprise.id, d.enterprise);
    assert_eq!(file.township_name, "城关街道");
    // By credit code too, as the CLI names it.
    let code = file.enterprise.credit_code.clone().unwrap();
    assert_eq!(l.enterprise_file(&code, None, now).unwrap().enterprise.id, d.enterprise);

    // Visits newest first, each with the problems raised at it.
    let visits: Vec<(&str, Vec<&str>)> = file
        .visits
        .iter()
        .map(|v| (v.visit.id.as_str(), v.problems.iter().map(|p| p.description.as_str()).collect()))
        .collect();
    assert_eq!(visits, [("v2", vec![]), ("v1", vec!["流动资金紧张", "厂房用地指标未落实"])]);
    assert_eq!(file.visits[1].problems[1].status, Status::Assigned);

    // Its problems as the list shows them, newest first; only its own.
    let problems: Vec<(&str, Status, Option<&str>)> =
        file.problems.iter().map(|p| (p.id.as_str(), p.status, p.lead_unit_name.as_deref())).collect();
    assert_eq!(problems.len(), 3);
    assert_eq!(problems[0], ("p3", Status::Registered, None));
    assert!(problems.contains(&("p2", Status::Assigned, Some("工业和信息化局"))));
    assert_eq!(file.problems_total, 3);
    let p3 = &file.problems[0];
    assert_eq!(p3.demand, "员工宿舍不足，请协调");
    assert_eq!(p3.waiting_days, Some(21), "3-20 to 4-10");
    let p2 = file.problems.iter().find(|p| p.id == "p2").unwrap();
    assert_eq!(p2.waiting_days, None, "assigned: no longer waiting");
    assert!(p2.handling_deadline.is_some());

    // Monitoring: the six months before April, newest first, as the monthly report says them.
    let m = file.monitoring.as_ref().expect("a key enterprise");
    assert_eq!(m.months.len(), FILE_MONTHS as usize);
    let months: Vec<(String, bool)> = m.months.iter().map(|x| (x.month.to_string(), x.reported)).collect();
    assert_eq!(months[0], ("2026-03".to_string(), true));
    assert_eq!(months[1], ("2026-02".to_string(), true));
    assert!(months[2..].iter().all(|(_, r)| !r));
    let report = l.monthly_report(Month::new(2026, 3).unwrap(), None, now).unwrap();
    let row = report.rows.iter().find(|r| r.enterprise.enterprise_id == d.enterprise).unwrap();
    assert_eq!(m.months[0].figures, row.figures, "the same figures as the monthly report");
    assert_eq!(m.indicators, report.indicators);
    // Its warnings only (the board's, filtered to it): output below last year raised some.
    let board = l.warnings(&Default::default(), now).unwrap();
    let own: Vec<&str> = board.iter().filter(|w| w.subject_id == d.enterprise).map(|w| w.id.as_str()).collect();
    assert!(!own.is_empty());
    assert_eq!(m.warnings.iter().map(|w| w.id.as_str()).collect::<Vec<_>>(), own);
}

#[test]
fn a_township_sees_only_its_own_enterprises_and_a_general_one_has_no_monitoring() {
    let mut f = district_file();
    let d = f.district.clone();
    let l = &mut f.ledger;
    history(l, &d);
    let now = at(2026, 4, 10);
    let err = l.enterprise_file(&d.enterprise2, Some(&d.township), now).unwrap_err();
    assert_eq!(err.code(), "enterprise.wrong_township");
    let theirs = l.enterprise_file(&d.enterprise2, Some(&d.township2), now).unwrap();
    assert_eq!(theirs.visits.iter().map(|v| v.visit.id.as_str()).collect::<Vec<_>>(), ["v9"]);
    assert!(theirs.problems.is_empty());
    assert_eq!(l.enterprise_file("no-such", None, now).unwrap_err().code(), "not_found");

    let general = enterprise(&id("e3"), "城关小微商贸有限公司", &d.township);
    l.execute("cg", &Command::CreateEnterprise { enterprise: general }, now).unwrap();
    let file = l.enterprise_file(&id("e3"), None, now).unwrap();
    assert!(file.monitoring.is_none() && file.visits.is_empty() && file.problems.is_empty());
}

#[test]
fn the_office_sees_how_long_each_registration_has_waited_longest_first() {
    let mut f = district_file();
    let d = f.district.clone();
    let l = &mut f.ledger;
    history(l, &d);
    register(l, "p4", &d.enterprise, None, "招工难", at(2026, 4, 8));
    let page = PageRequest { offset: 0, limit: 50 };
    let console = l.office_console_page(ConsoleTab::ToAssign, page, at(2026, 4, 10)).unwrap();
    let waiting: Vec<(&str, Option<u32>)> = console.rows.iter().map(|r| (r.id.as_str(), r.waiting_days)).collect();
    assert_eq!(waiting, [("p1", Some(39)), ("p3", Some(21)), ("p4", Some(2))]);
    assert!(console.rows.iter().all(|r| !r.demand.is_empty()), "诉求 is on every row");
    // The next day every wait is one day longer: derived at read time, never stored.
    let later = l.office_console_page(ConsoleTab::ToAssign, page, at(2026, 4, 11)).unwrap();
    assert_eq!(later.rows[0].waiting_days, Some(40));
}

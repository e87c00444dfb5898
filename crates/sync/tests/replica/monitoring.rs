//! Monitoring across desks (docs/monitoring.md, docs/sync.md): a township's desk reports a key
//! enterprise's months offline, raising warnings locally; the server admits every event by the
//! same rules and the office's desk sees the reports and the warnings; another township's desk
//! holds none of them; the office's handling reaches the township; a key project, district-wide,
//! gets its progress from its responsible department's desk.

use taizhang_core::monitoring::*;
use taizhang_core::*;
use taizhang_ledger::WarningFilter;

use crate::count;
use crate::desk::{at, Desk};
use crate::fixture::District;

fn amount(v: i64) -> Amount {
    Amount(v * 100)
}

fn report(e: &str, month: Month, output: i64, last_year: i64) -> Command {
    Command::ReportIndicators {
        report: IndicatorReport {
            enterprise_id: e.into(),
            month,
            entries: vec![IndicatorEntry {
                key: "gross_output".into(),
                value: amount(output),
                cumulative: None,
                last_year: Some(amount(last_year)),
            }],
            note: String::new(),
            late: false,
        },
    }
}

#[test]
fn a_townships_reports_and_warnings_reach_the_office_and_only_it() {
    let d = District::new();
    // The office makes 一镇甲公司 a 区级重点 enterprise.
    let e1 = Enterprise {
        id: d.e1.clone(),
        name: "一镇甲公司".into(),
        credit_code: None,
        township_id: d.t1.clone(),
        industry: "制造业".into(),
        scale: Scale::Above,
        key_level: KeyLevel::District,
        address: String::new(),
        contact: String::new(),
        phone: String::new(),
        steward: String::new(),
        paired_leader: "赵区长".into(),
    };
    d.exec("admin", Command::UpdateEnterprise { enterprise: e1 });

    let mut t1 = Desk::join(&d, "t1");
    let mut t2 = Desk::join(&d, "t2");
    let mut office = Desk::join(&d, "admin");
    t1.sync(2);
    t2.sync(2);

    // Offline. December is locked (20 January): the township may not report it. February
    // (1—2月, January exempt) is below last year: 黄.
    let (dec, feb) = (Month::new(2025, 12).unwrap(), Month::new(2026, 2).unwrap());
    let locked = t1.ledger.execute("t1", &report(&d.e1, dec, 1000, 900), at(10)).unwrap_err();
    assert!(locked.to_string().contains("locked"), "{locked}");
    let events = t1.ledger.execute("t1", &report(&d.e1, feb, 1900, 2000), at(11)).unwrap();
    assert_eq!(events.len(), 2, "the report and its warning");
    let s = t1.sync(20);
    assert_eq!((s.pushed, s.applied, s.refused, s.pending), (2, 2, 0, 0), "{s:?}");
    assert_eq!(count(&d.url, "SELECT count(*) FROM indicator_reports"), 1);
    assert_eq!(count(&d.url, "SELECT count(*) FROM warnings WHERE NOT handled"), 1);

    // The office's desk sees the report and the warning; 二镇's holds none of it.
    office.sync(21);
    let month = office.ledger.monthly_report(feb, None, at(21)).unwrap();
    let row = month.rows.iter().find(|r| r.enterprise.enterprise_id == d.e1).unwrap();
    assert_eq!((row.reported, row.figures[0].yoy), (true, Some(-5.0)));
    let board = office.ledger.warnings(&WarningFilter { open_only: true, ..Default::default() }, at(21)).unwrap();
    let warning = board.iter().find(|w| !w.computed).expect("the raised warning").clone();
    assert_eq!((warning.level, warning.subject_id.as_str()), (Level::Yellow, d.e1.as_str()));
    t2.sync(22);
    let held: i64 =
        t2.ledger.connection().query_row("SELECT count(*) FROM indicator_reports", [], |r| r.get(0)).unwrap();
    let warned: i64 = t2.ledger.connection().query_row("SELECT count(*) FROM warnings", [], |r| r.get(0)).unwrap();
    assert_eq!((held, warned), (0, 0), "another township's desk holds none of it");

    // The office records what was done; the township's desk sees it closed.
    let handling =
        WarningHandling {
            warning_id: warning.id.clone(), note: "电话核实：春节停工所致".into(), visit_id: None
        };
    office.ledger.execute("admin", &Command::HandleWarning { handling, visit: None }, at(30)).unwrap();
    let s = office.sync(31);
    assert_eq!((s.applied, s.refused), (1, 0), "{s:?}");
    t1.sync(32);
    let board = t1.ledger.warnings(&WarningFilter::default(), at(32)).unwrap();
    let closed = board.iter().find(|w| w.id == warning.id).unwrap();
    assert!(!closed.open && closed.actions[0].note.contains("春节"), "{closed:?}");

    // A key project with 发改局 responsible: registered by the office on the server, its
    // progress reported from the department's desk.
    let project = Project {
        id: "pr1".into(),
        name: "一镇智能装备产业园".into(),
        builder: "一镇甲公司".into(),
        nature: ProjectNature::New,
        township_id: d.t1.clone(),
        total_investment: amount(50000),
        plan_year: 2026,
        annual_plan: amount(12000),
        planned_start: None,
        planned_finish: None,
        actual_start: None,
        actual_finish: None,
        stage: ProjectStage::Started,
        paired_leader: "赵区长".into(),
        responsible_unit_id: Some(d.d1.clone()),
        service_unit_id: None,
        handler: "钱科长".into(),
        content: String::new(),
    };
    d.exec("admin", Command::RegisterProject { project });
    let mut dep = Desk::join(&d, "d1");
    dep.sync(40);
    let progress = ProjectProgress {
        project_id: "pr1".into(),
        month: feb,
        invested: amount(2000),
        year_to_date: Some(amount(2000)),
        stage: None,
        image_progress: "场地平整完成".into(),
        difficulties: String::new(),
        next_steps: String::new(),
        late: false,
    };
    dep.ledger.execute("d1", &Command::ReportProjectProgress { progress }, at(41)).unwrap();
    let s = dep.sync(42);
    assert_eq!((s.applied, s.refused), (1, 0), "{s:?}");
    office.sync(43);
    let rows = office.ledger.projects(None, feb).unwrap();
    assert_eq!((rows[0].completion_rate, rows[0].pace), (Some(16.67), Some(Pace::OnTrack)));
}

//! Monitoring on a real ledger file (docs/monitoring.md): monthly reports and the report of a
//! month with township and district totals and who did not report; the warnings the figures
//! raise, a missing report, a warning handled by a visit and one turned into a problem; a key
//! project's figures and its 滞后 warning; a 旬报 summary; a late correction. Then the file
//! rebuilds to the same tables, and every event verifies and is admitted on replay.

use chrono::NaiveDate;
use taizhang_core::monitoring::*;
use taizhang_core::*;
use taizhang_ledger::{Ledger, WarningFilter};
use taizhang_testsupport::at;
use taizhang_testsupport::district::id;
use taizhang_testsupport::ledger::district_file;

fn a(v: f64) -> Amount {
    Amount((v * 100.0).round() as i64)
}

fn m(y: i32, mo: u32) -> Month {
    Month::new(y, mo).unwrap()
}

fn report(e: &str, month: Month, output: f64, last: f64, sales: f64) -> Command {
    let entry = |key: &str, v: f64, ly: Option<f64>| IndicatorEntry {
        key: key.into(),
        value: a(v),
        cumulative: None,
        last_year: ly.map(a),
    };
    Command::ReportIndicators {
        report: IndicatorReport {
            enterprise_id: id(e),
            month,
            entries: vec![entry("gross_output", output, Some(last)), entry("sales_output", sales, None)],
            note: String::new(),
            late: false,
        },
    }
}

fn open_rules(l: &Ledger, now: chrono::DateTime<chrono::Utc>) -> Vec<(String, Level, bool)> {
    let filter = WarningFilter { open_only: true, ..Default::default() };
    l.warnings(&filter, now).unwrap().into_iter().map(|w| (w.rule, w.level, w.computed)).collect()
}

#[test]
fn a_district_reports_watches_and_acts_on_its_key_enterprises_and_projects() {
    let mut f = district_file();
    let l = &mut f.ledger;
    // 城关 reports e1 for February to April, each below last year; 西山 never reports e2.
    l.execute("cg", &report("e1", m(2026, 2), 950.0, 1000.0, 930.0), at(2026, 3, 5)).unwrap();
    l.execute("cg", &report("e1", m(2026, 3), 900.0, 1000.0, 880.0), at(2026, 4, 8)).unwrap();
    l.execute("cg", &report("e1", m(2026, 4), 990.0, 1000.0, 990.0), at(2026, 5, 8)).unwrap();

    let r = l.monthly_report(m(2026, 4), None, at(2026, 5, 12)).unwrap();
    assert_eq!((r.due, r.locked), (NaiveDate::from_ymd_opt(2026, 5, 8), false));
    let e1 = r.rows.iter().find(|x| x.enterprise.enterprise_id == id("e1")).unwrap();
    let output = &e1.figures[0];
    // 950 + 900 + 990 = 2840 against 3000 (January exempt): −5.33 %; April −1 %; sales 100 %.
    assert_eq!((output.value, output.yoy), (Some(a(990.0)), Some(-1.0)));
    assert_eq!((output.cumulative, output.cumulative_yoy), (Some(a(2840.0)), Some(-5.33)));
    assert_eq!(e1.sales_rate, Some(100.0));
    let district = r.totals.last().unwrap();
    assert_eq!((district.township_id.clone(), district.enterprises, district.reported), (None, 2, 1));
    assert_eq!(district.not_reported, vec!["西山新材料科技有限公司".to_string()], "never omitted");
    assert_eq!(r.totals.len(), 3, "two townships and the district");

    // On 12 May: e1's three falling months (红), February's 黄 and March's 橙 still open;
    // e2's April report missing (due 8 May), and both firms' 旬报 of April's 下旬 (due 6 May).
    let now = at(2026, 5, 12);
    let open = open_rules(l, now);
    assert_eq!(
        open,
        vec![
            ("falling_months".into(), Level::Red, false),
            ("report_missing".into(), Level::Red, true),
            ("report_missing".into(), Level::Red, true),
            ("report_missing".into(), Level::Red, true),
            ("falling_months".into(), Level::Orange, false),
            ("yoy_negative".into(), Level::Yellow, false),
        ]
    );
    let board = l.warnings(&WarningFilter::default(), now).unwrap();
    let red = &board[0];
    assert!(red.visit_task, "an open 红 warning is a visit task");
    assert_eq!((red.lead_unit.as_str(), red.subject_name.as_str()), ("城关街道", "示范区恒达精密机械有限公司"));
    // 西山 sees only its own: the missing report.
    let own = l.warnings(&WarningFilter { township_id: Some(id("t2")), ..Default::default() }, now).unwrap();
    assert_eq!(own.iter().map(|w| w.rule.as_str()).collect::<Vec<_>>(), vec!["report_missing"; 2]);
    let owed: Vec<String> = own.iter().map(|w| w.params["report"].as_str().unwrap().to_string()).collect();
    assert_eq!(owed, ["2026-04 月报", "2026-04 下旬 产销旬报"]);

    // The red one answered by a visit, the orange one turned into a problem.
    let visit = Visit {
        id: "v-red".into(),
        enterprise_id: id("e1"),
        township_id: id("t1"),
        date: NaiveDate::from_ymd_opt(2026, 5, 12).unwrap(),
        visitors: "张镇街".into(),
        form: VisitForm::OnSite,
        notes: "订单下滑".into(),
    };
    let handling =
        WarningHandling { warning_id: red.id.clone(), note: "已走访，对接订单".into(), visit_id: None };
    l.execute("cg", &Command::HandleWarning { handling, visit: Some(visit) }, now).unwrap();
    let orange = board.iter().find(|w| w.level == Level::Orange).unwrap().id.clone();
    let register = Command::Register {
        problem_id: "p-from-warning".into(),
        enterprise_id: Some(id("e1")),
        new_enterprise: None,
        visit_id: Some("v-red".into()),
        source: Source::Visit,
        category: "市场开拓".into(),
        description: "订单连续下滑，需要市场开拓支持".into(),
        demand: String::new(),
        raised_on: NaiveDate::from_ymd_opt(2026, 5, 12).unwrap(),
        priority: Priority::Normal,
        responsible_leader: String::new(),
        origin: Some(ProblemOrigin::Warning { warning_id: orange.clone() }),
        attachments: Vec::new(),
    };
    l.execute("cg", &register, now).unwrap();

    assert_eq!(
        l.problem_origin("p-from-warning").unwrap(),
        Some(ProblemOrigin::Warning { warning_id: orange.clone() })
    );
    let board = l.warnings(&WarningFilter::default(), now).unwrap();
    let done = board.iter().find(|w| w.id == orange).unwrap();
    assert!(!done.open);
    assert_eq!(done.actions[0].problem_id.as_deref(), Some("p-from-warning"));
    assert!(done.actions[0].note.starts_with("转为问题 "), "{:?}", done.actions[0]);
    let err = l
        .execute(
            "cg",
            &Command::HandleWarning {
                handling: WarningHandling { warning_id: orange, note: "x".into(), visit_id: None },
                visit: None,
            },
            now,
        )
        .unwrap_err();
    assert!(err.to_string().contains("already"), "{err}");

    // A key project: 12,000 planned this year; 1,000 a month through April is 33.33 % against
    // 序时 33.33 %: on track. Then nothing in May, 500 in June: behind.
    let project = Project {
        id: "pr1".into(),
        name: "城关智能装备产业园".into(),
        builder: "示范区恒达精密机械有限公司".into(),
        nature: ProjectNature::New,
        township_id: id("t1"),
        total_investment: a(50000.0),
        plan_year: 2026,
        annual_plan: a(12000.0),
        planned_start: NaiveDate::from_ymd_opt(2026, 1, 1),
        planned_finish: None,
        actual_start: None,
        actual_finish: None,
        stage: ProjectStage::Started,
        paired_leader: "赵副区长".into(),
        responsible_unit_id: Some(id("d1")),
        service_unit_id: None,
        handler: "王工信".into(),
        content: String::new(),
    };
    l.execute("admin", &Command::RegisterProject { project }, now).unwrap();
    let progress = |month: Month, invested: f64, ytd: Option<f64>, text: &str| Command::ReportProjectProgress {
        progress: ProjectProgress {
            project_id: "pr1".into(),
            month,
            invested: a(invested),
            year_to_date: ytd.map(a),
            stage: None,
            image_progress: text.into(),
            difficulties: String::new(),
            next_steps: String::new(),
            late: false,
        },
    };
    // April's report carries the year's 4,000 (January to March were before the ledger).
    l.execute("gx", &progress(m(2026, 4), 1000.0, Some(4000.0), "主体施工"), now).unwrap();
    let row = &l.projects(None, m(2026, 4)).unwrap()[0];
    assert_eq!(
        (row.completion_rate, row.pace, row.responsible_unit_name.as_str()),
        (Some(33.33), Some(Pace::OnTrack), "工业和信息化局")
    );
    let events = l.execute("cg", &progress(m(2026, 6), 500.0, Some(4500.0), "钢结构安装"), at(2026, 7, 3)).unwrap();
    assert!(events.iter().any(|e| matches!(e.body().unwrap(), EventBody::WarningRaised { warning } if warning.warning.rule == "project_behind")));
    let row = &l.projects(Some(&id("t1")), m(2026, 6)).unwrap()[0];
    assert_eq!((row.completion_rate, row.pace, row.open_warnings), (Some(37.5), Some(Pace::Behind), 1));

    // June's difficulty becomes a problem of the builder; the project lists it.
    let from_project = Command::Register {
        problem_id: "p-from-project".into(),
        enterprise_id: Some(id("e1")),
        new_enterprise: None,
        visit_id: None,
        source: Source::Visit,
        category: "用地".into(),
        description: "扩建用地指标未落实".into(),
        demand: String::new(),
        raised_on: NaiveDate::from_ymd_opt(2026, 7, 3).unwrap(),
        priority: Priority::Normal,
        responsible_leader: "孙区长".into(),
        origin: Some(ProblemOrigin::Project { project_id: "pr1".into(), month: m(2026, 6) }),
        attachments: Vec::new(),
    };
    l.execute("cg", &from_project, at(2026, 7, 3)).unwrap();
    let row = &l.projects(None, m(2026, 6)).unwrap()[0];
    assert_eq!(
        row.problems.iter().map(|p| (p.problem_id.as_str(), p.month)).collect::<Vec<_>>(),
        [("p-from-project", m(2026, 6))]
    );

    // A 旬报: 上旬 of June, two products.
    let line = |p: &str, out: f64, dom: f64, exp: f64| ProductLine {
        product: p.into(),
        unit: "台".into(),
        output: a(out),
        sales_domestic: a(dom),
        sales_export: a(exp),
        stock: None,
    };
    for (xun, lines) in [
        (Xun::First, vec![line("数控机床", 100.0, 70.0, 20.0), line("加工中心", 10.0, 10.0, 0.0)]),
        (Xun::Second, vec![line("数控机床", 100.0, 90.0, 20.0)]),
    ] {
        let report = ProductionReport {
            enterprise_id: id("e1"),
            month: m(2026, 6),
            xun,
            lines,
            note: String::new(),
            late: false,
        };
        l.execute("cg", &Command::ReportProduction { report }, at(2026, 7, 3)).unwrap();
    }
    let s = l.production_summary(m(2026, 6), Xun::Second, None).unwrap();
    assert_eq!(s.rows.len(), 1);
    assert_eq!(
        (s.rows[0].rate, s.rows[0].cumulative_output, s.rows[0].cumulative_rate),
        (Some(110.0), a(200.0), Some(100.0))
    );
    assert_eq!(s.not_reported.len(), 1, "西山's e2");

    // A late correction: February locked on 20 March; the township may not, the office may.
    let err = l.execute("cg", &report("e1", m(2026, 2), 951.0, 1000.0, 930.0), at(2026, 7, 3)).unwrap_err();
    assert!(err.to_string().contains("locked"), "{err}");
    l.execute("admin", &report("e1", m(2026, 2), 951.0, 1000.0, 930.0), at(2026, 7, 3)).unwrap();
    let feb = l.monthly_report(m(2026, 2), Some(&id("t1")), at(2026, 7, 3)).unwrap();
    assert!(feb.locked && feb.rows[0].late);

    // An indicator's months, scoped: 城关 reads its own firm, not 西山's.
    let series = l.indicator_series(&id("e1"), "gross_output", m(2026, 4), 3, Some(&id("t1"))).unwrap();
    assert_eq!(
        series.iter().map(|p| p.yoy).collect::<Vec<_>>(),
        vec![Some(-4.9), Some(-10.0), Some(-1.0)],
        "February as corrected"
    );
    let err = l.indicator_series(&id("e2"), "gross_output", m(2026, 4), 3, Some(&id("t1"))).unwrap_err();
    assert!(err.to_string().contains("not found"), "{err}");

    // 孙区长's own items: the problem raised from the project names him, he gave a 批示 on the
    // one from the warning, and the project is paired with him.
    let mut p = l.projects(None, m(2026, 6)).unwrap().remove(0).project;
    p.paired_leader = "孙区长".into();
    l.execute("admin", &Command::UpdateProject { project: p }, at(2026, 7, 3)).unwrap();
    let instruct =
        Command::Instruct { problem_id: "p-from-warning".into(), text: "请工信局牵头帮助对接订单".into() };
    l.execute("ld", &instruct, at(2026, 7, 3)).unwrap();
    let mine = l.leader_items(&id("ld"), m(2026, 6), at(2026, 7, 3)).unwrap();
    assert_eq!(mine.leader, "孙区长");
    assert_eq!(mine.instructed.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["p-from-warning"]);
    assert_eq!(mine.responsible.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["p-from-project"]);
    assert_eq!(mine.projects.iter().map(|r| r.project.id.as_str()).collect::<Vec<_>>(), ["pr1"]);

    // The file stands: same tables from the log, chain sound, every event admitted.
    let rebuilt = l.rebuild().unwrap();
    assert!(rebuilt.equal, "differs in {:?}", rebuilt.differing_tables);
    assert!(l.verify().unwrap().ok);
    let full = l.verify_full().unwrap();
    assert!(full.ok, "not admitted: {:?}", full.first_not_admitted);
}

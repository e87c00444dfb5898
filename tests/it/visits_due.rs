//! Key enterprises overdue for a visit, on a real file (docs/monitoring.md, "Pairing"): the two
//! fixture enterprises are 区级重点 (30 days by default); a 镇级重点 one (60 days) is added;
//! a visit takes one off the list; the district's frequency is a setting.

use chrono::{DateTime, NaiveDate, Utc};
use taizhang_core::*;
use taizhang_testsupport::at;
use taizhang_testsupport::district::id;
use taizhang_testsupport::enterprise::enterprise;
use taizhang_testsupport::ledger::{district_file, genesis};

fn names(ledger: &taizhang_ledger::Ledger, township: Option<&str>, now: DateTime<Utc>) -> Vec<(String, i64)> {
    let list = ledger.unvisited_key_enterprises(township, now).unwrap();
    list.into_iter().map(|u| (u.name, u.overdue.days_since)).collect()
}

#[test]
fn key_enterprises_overdue_for_a_visit_are_listed_longest_first_until_visited() {
    let mut f = district_file();
    let l = &mut f.ledger;
    let town = Enterprise { key_level: KeyLevel::Town, ..enterprise("e3", "城关镇级重点企业", &id("t1")) };
    l.execute("admin", &Command::CreateEnterprise { enterprise: town }, genesis()).unwrap();
    let (e1, e2) = ("示范区恒达精密机械有限公司", "西山新材料科技有限公司");

    // Entered on 2 March: 31 March is day 29, nothing is due; 2 April is day 31 for 区级重点.
    assert_eq!(names(l, None, at(2026, 3, 31)), vec![]);
    assert_eq!(names(l, None, at(2026, 4, 2)), vec![(e1.into(), 31), (e2.into(), 31)]);
    assert_eq!(names(l, Some(&id("t1")), at(2026, 4, 2)), vec![(e1.into(), 31)], "a township sees its own");

    // 城关 visits e1 on 2 April: off the list. A month on, the 镇级重点 one (61 days) joins e2.
    let visit = Visit {
        id: "v1".into(),
        enterprise_id: id("e1"),
        township_id: id("t1"),
        date: NaiveDate::from_ymd_opt(2026, 4, 2).unwrap(),
        visitors: "张镇街".into(),
        form: VisitForm::OnSite,
        notes: String::new(),
    };
    l.execute("cg", &Command::RecordVisit { visit }, at(2026, 4, 2)).unwrap();
    assert_eq!(names(l, None, at(2026, 4, 2)), vec![(e2.into(), 31)]);
    assert_eq!(names(l, None, at(2026, 5, 2)), vec![("城关镇级重点企业".into(), 61), (e2.into(), 61)], "ties by name");
    let entry = &l.unvisited_key_enterprises(None, at(2026, 5, 2)).unwrap()[0];
    assert_eq!((entry.key_level, entry.last_visit, entry.overdue.limit_days), (KeyLevel::Town, None, 60));

    // The district visits more often: weekly for 区级重点.
    let mut s = l.settings().unwrap();
    s.key_visits.district_days = 7;
    l.execute("admin", &Command::UpdateSettings { settings: s }, at(2026, 5, 2)).unwrap();
    let due = names(l, None, at(2026, 5, 2));
    assert_eq!(due.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), vec!["城关镇级重点企业", e2, e1]);
    // A frequency of 0 days is refused with the setting's name.
    let mut zero = l.settings().unwrap();
    zero.key_visits.town_days = 0;
    let e = l.execute("admin", &Command::UpdateSettings { settings: zero }, at(2026, 5, 2)).unwrap_err();
    assert!(e.to_string().contains("key_visits.town_days"), "{e}");
}

/// The 走访 list: a township's own visits or the district's, newest first, a page at a time,
/// with the count of all of them.
#[test]
fn the_visit_list_is_a_townships_own_newest_first_a_page_at_a_time() {
    let mut f = district_file();
    let l = &mut f.ledger;
    let visit = |n: u32, by: &str, e: &str, t: &str, day: u32| {
        let visit = Visit {
            id: format!("v{n}"),
            enterprise_id: id(e),
            township_id: id(t),
            date: NaiveDate::from_ymd_opt(2026, 4, day).unwrap(),
            visitors: by.into(),
            form: VisitForm::OnSite,
            notes: String::new(),
        };
        (by.to_string(), Command::RecordVisit { visit })
    };
    // Recorded out of date order; v3 and v4 are of the same day, v4 recorded later.
    for (n, by, e, t, day) in [
        (1, "cg", "e1", "t1", 3),
        (2, "xs", "e2", "t2", 5),
        (3, "cg", "e1", "t1", 9),
        (4, "cg", "e1", "t1", 9),
        (5, "cg", "e1", "t1", 1),
    ] {
        let (by, cmd) = visit(n, by, e, t, day);
        l.execute(&by, &cmd, at(2026, 4, 10)).unwrap();
    }
    let ids = |p: &taizhang_ledger::VisitPage| p.rows.iter().map(|v| v.id.as_str()).collect::<Vec<_>>().join(" ");
    let page =
        |t: Option<&str>, offset, limit| l.visit_page(t, taizhang_ledger::PageRequest { offset, limit }).unwrap();
    let all = page(None, 0, 50);
    assert_eq!((all.total, ids(&all).as_str()), (5, "v4 v3 v2 v1 v5"));
    let own = page(Some(&id("t1")), 0, 50);
    assert_eq!((own.total, ids(&own).as_str()), (4, "v4 v3 v1 v5"), "西山's visit is not 城关's");
    let second = page(Some(&id("t1")), 2, 2);
    assert_eq!((second.total, second.offset, ids(&second).as_str()), (4, 2, "v1 v5"));
    assert_eq!(page(Some(&id("t2")), 0, 50).total, 1);
    assert!(page(Some(&id("t1")), 10, 50).rows.is_empty(), "past the end: no rows, the same total");
}

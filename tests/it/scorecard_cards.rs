//! 红牌 / 黄牌 per unit on the scorecard (issue 19, item 7), on a real file: each department's
//! and township's counts equal what the ledger list shows filtered by that unit and level, at
//! several moments, and the report carries the same.

use taizhang_core::*;
use taizhang_ledger::{Ledger, PageRequest, ProblemFilter, Sort};
use taizhang_testsupport::at;
use taizhang_testsupport::demo::{self, DemoOptions};

fn listed(l: &Ledger, f: ProblemFilter, now: chrono::DateTime<chrono::Utc>) -> u32 {
    l.list_problems(&f, Sort::default(), PageRequest { offset: 0, limit: 1 }, now).unwrap().total as u32
}

#[test]
fn each_units_cards_are_what_the_list_filtered_by_level_shows() {
    let dir = tempfile::tempdir().unwrap();
    let end = at(2026, 11, 30);
    let opts = DemoOptions { problems: 300, seed: 7, end, days: 200, monitoring: false };
    let mut l = Ledger::create(&dir.path().join("f.db"), opts.start()).unwrap();
    demo::generate(&mut l, &opts);
    let period = l.period("2026").unwrap();
    let (mut red, mut yellow) = (0, 0);
    for now in [end, at(2026, 9, 1), at(2026, 12, 20)] {
        let card = l.scorecard(&period, now).unwrap();
        let of = |level: Escalation, lead: Option<&str>, township: Option<&str>| {
            let f = ProblemFilter {
                escalation: Some(level),
                lead_unit_id: lead.map(str::to_string),
                township_id: township.map(str::to_string),
                ..Default::default()
            };
            listed(&l, f, now)
        };
        for d in &card.departments {
            let u = Some(d.unit_id.as_str());
            assert_eq!(d.lead.red_now, of(Escalation::Red, u, None), "{} 红牌 at {now}", d.unit_name);
            assert_eq!(d.lead.yellow_now, of(Escalation::Yellow, u, None), "{} 黄牌 at {now}", d.unit_name);
            red += d.lead.red_now;
            yellow += d.lead.yellow_now;
        }
        for t in &card.townships {
            let u = Some(t.unit_id.as_str());
            assert_eq!(t.red_now, of(Escalation::Red, None, u), "{} 红牌 at {now}", t.unit_name);
            assert_eq!(t.yellow_now, of(Escalation::Yellow, None, u), "{} 黄牌 at {now}", t.unit_name);
        }
        // Every card on the list belongs to some township.
        assert_eq!(card.townships.iter().map(|t| t.red_now).sum::<u32>(), of(Escalation::Red, None, None));
        // The same over every aggregate.
        assert_eq!(card, l.scorecard_of_aggregates(&period, now).unwrap());
        assert_eq!(l.report(&period, now).unwrap().departments, card.departments);
    }
    assert!(red > 0 && yellow > 0, "the demo has cards to count ({red} red, {yellow} yellow)");
}

//! The usual leads of a category (issue 19): offered to the office beside the lead field,
//! learned from the ledger's own assignments, on a real file.

use taizhang_core::*;
use taizhang_testsupport::at;
use taizhang_testsupport::ledger::district_file;

/// The departments that usually lead a category's problems are offered to the office, most
/// first, learned from the ledger's own assignments (never chosen for it).
#[test]
fn the_usual_leads_of_a_category_come_from_past_assignments() {
    let mut f = district_file();
    let (l, d) = (&mut f.ledger, f.district.clone());
    let t = at(2026, 3, 3);
    for (pid, lead) in [("p1", &d.dept_b), ("p2", &d.dept_b), ("p3", &d.dept_a)] {
        taizhang_testsupport::register(l, &d, pid, t);
        let request = taizhang_testsupport::assign(lead, &[]);
        l.execute("admin", &Command::Assign { problem_id: pid.into(), request }, t).unwrap();
    }
    let leads = l.lead_suggestions("用地").unwrap();
    let got: Vec<(String, u32)> = leads.into_iter().map(|s| (s.unit_name, s.count)).collect();
    assert_eq!(got, vec![("自然资源局".to_string(), 2), ("工业和信息化局".to_string(), 1)]);
    assert!(l.lead_suggestions("融资").unwrap().is_empty(), "a category never assigned suggests nothing");
}

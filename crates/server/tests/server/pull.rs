//! Pull: scope per role, a problem newly visible with its whole history, pagination at exact
//! page multiples.

use std::collections::BTreeSet;

use taizhang_server::protocol::PulledEvent;

use crate::count;
use crate::fixture::District;

fn problems(events: &[PulledEvent]) -> BTreeSet<String> {
    events
        .iter()
        .filter_map(|e| {
            serde_json::from_str::<serde_json::Value>(&e.event.payload)
                .ok()
                .and_then(|p| p.get("problem_id").and_then(|v| v.as_str()).map(str::to_string))
        })
        .collect()
}

fn enterprises(events: &[PulledEvent]) -> BTreeSet<String> {
    events
        .iter()
        .filter(|e| e.event.kind.starts_with("enterprise_"))
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(&e.event.payload).ok())
        .filter_map(|p| p["enterprise"]["id"].as_str().map(str::to_string))
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn each_unit_pulls_what_it_may_see() {
    let d = District::new();
    let base = &d.server.base;
    let p1 = d.problem("t1", &d.e1, Some(&d.d1));
    let p2 = d.problem("t2", &d.e2, None);
    let all = count(&d.url, "SELECT count(*) FROM events");

    let (admin, _) = d.device("admin").pull_all(base, 50);
    assert_eq!(admin.len() as i64, all, "the office sees everything");
    assert_eq!(problems(&admin), set(&[&p1, &p2]));

    let (t1, _) = d.device("t1").pull_all(base, 50);
    assert_eq!(problems(&t1), set(&[&p1]));
    assert_eq!(enterprises(&t1), set(&[&d.e1]));
    let (t2, _) = d.device("t2").pull_all(base, 50);
    assert_eq!(problems(&t2), set(&[&p2]));
    assert_eq!(enterprises(&t2), set(&[&d.e2]));
    let (d1, _) = d.device("d1").pull_all(base, 50);
    assert_eq!(problems(&d1), set(&[&p1]), "the lead department sees its problem");
    assert_eq!(enterprises(&d1), set(&[&d.e1]), "and its enterprise");
    let d2dev = d.device("d2");
    let (d2, _) = d2dev.pull_all(base, 50);
    assert_eq!(problems(&d2), set(&[]));
    assert_eq!(enterprises(&d2), set(&[]));
    // District-wide events (units, users, calendar, settings) reach everyone.
    for seen in [&t1, &t2, &d1, &d2] {
        assert!(seen.iter().any(|e| e.event.kind == "unit_created"));
        assert!(seen.iter().any(|e| e.event.kind == "settings_changed"));
        assert!(!seen.iter().any(|e| e.event.kind == "visit_recorded" && !e.event.payload.contains(&d.t1)));
    }

    // d2 is now at the high water. p2 is assigned to it: the next pull brings p2's whole
    // history, though its registration lies below d2's cursor, and its enterprise.
    let (s, v) = d2dev.pull(base, 0, 0, 1000);
    assert_eq!(s, 200);
    let cursor = v["next"].clone();
    d.assign(&p2, &d.d2);
    let (s, v) = d2dev.pull(base, cursor["after"].as_i64().unwrap(), cursor["after_event"].as_i64().unwrap(), 1000);
    assert_eq!(s, 200, "{v}");
    let page: taizhang_server::protocol::PullReply = serde_json::from_value(v).unwrap();
    assert!(page.events.iter().any(|e| e.event.kind == "problem_registered"), "the registration comes along");
    assert_eq!(problems(&page.events), set(&[&p2]));
    assert_eq!(enterprises(&page.events), set(&[&d.e2]));
    let registration = page.events.iter().find(|e| e.event.kind == "problem_registered").unwrap();
    assert!(registration.server_seq <= cursor["after"].as_i64().unwrap(), "older than the cursor, delivered now");
    // The grant is recorded once, and stays.
    assert_eq!(count(&d.url, &format!("SELECT count(*) FROM visibility WHERE unit_id = '{}'", d.d2)), 1);
}

/// Every page size from 1 to past the end, in particular exact divisors of the stream's
/// length: each pull returns every visible event once, in order, and ends without an extra
/// empty page when the length is a multiple of the page.
#[test]
fn pagination_is_exact_at_page_multiples() {
    let d = District::new();
    let base = &d.server.base;
    let p1 = d.problem("t1", &d.e1, None);
    d.problem("t1", &d.e1, Some(&d.d2));
    d.assign(&p1, &d.d1);
    for login in ["admin", "d1", "t1"] {
        let dev = d.device(login);
        let (reference, _) = dev.pull_all(base, 1000);
        let n = reference.len();
        assert!(n > 3);
        let keys = |v: &[PulledEvent]| v.iter().map(|e| (e.delivery, e.server_seq)).collect::<Vec<_>>();
        assert!(keys(&reference).windows(2).all(|w| w[0] < w[1]), "{login}: delivery order, no duplicate");
        let mut seqs: Vec<_> = reference.iter().map(|e| e.server_seq).collect();
        seqs.sort();
        seqs.dedup();
        assert_eq!(seqs.len(), n, "{login}: each event once");
        for limit in 1..=(n as i64 + 1) {
            let (events, pages) = dev.pull_all(base, limit);
            assert_eq!(keys(&events), keys(&reference), "{login}: limit {limit}");
            let expected_pages = (n as i64 + limit - 1) / limit;
            assert_eq!(pages as i64, expected_pages.max(1), "{login}: limit {limit}: no extra page");
        }
    }
}

/// A supporter sees the problem; a lead the problem is reassigned away from keeps seeing it
/// (grants are never removed), and the new lead receives its whole history.
#[test]
fn supporters_see_and_a_former_lead_keeps_seeing() {
    use taizhang_core::command::{AssignRequest, ReturnRuling, SupporterRequest};
    use taizhang_core::Command;
    let d = District::new();
    let base = &d.server.base;
    let d3 = {
        let id = taizhang_server::store::office::new_id(crate::cluster::t0());
        d.exec(
            "admin",
            Command::CreateUnit {
                unit_id: id.clone(),
                name: "区商务局".into(),
                short_name: "商务局".into(),
                kind: taizhang_core::UnitKind::Department,
            },
        );
        d.user("d3", &id, taizhang_core::Role::Department);
        id
    };
    let p = d.problem("t1", &d.e1, None);
    let request = |lead: &str, supporters: Vec<&str>| AssignRequest {
        lead_unit_id: lead.into(),
        handler: String::new(),
        supporters: supporters
            .into_iter()
            .map(|u| SupporterRequest { unit_id: u.into(), sub_deadline: None })
            .collect(),
        sign_deadline: None,
        handling_deadline: None,
    };
    d.exec("admin", Command::Assign { problem_id: p.clone(), request: request(&d.d1, vec![&d.d2]) });
    let (d2_seen, _) = d.device("d2").pull_all(base, 100);
    assert_eq!(problems(&d2_seen), set(&[&p]), "the supporter sees it");
    d.exec(
        "d1",
        Command::Return {
            problem_id: p.clone(), reason: "不属于本单位职责".into(), proposed_unit_id: d3.clone()
        },
    );
    d.exec(
        "admin",
        Command::RuleReturn {
            problem_id: p.clone(),
            ruling: ReturnRuling::Reassign(request(&d3, vec![])),
            note: String::new(),
        },
    );
    let (d1_seen, _) = d.device("d1").pull_all(base, 100);
    assert_eq!(problems(&d1_seen), set(&[&p]), "the former lead keeps seeing it");
    assert!(d1_seen.iter().any(|e| e.event.kind == "reassigned"), "including what happened after it left");
    let (d3_seen, _) = d.device("d3").pull_all(base, 100);
    let kinds: Vec<_> =
        d3_seen.iter().filter(|e| e.event.payload.contains(&p)).map(|e| e.event.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"problem_registered"), "the new lead gets the whole history: {kinds:?}");
    assert!(kinds.contains(&"returned") && kinds.contains(&"reassigned"));
}

/// What the appender records in `deliveries` as events arrive is what migration 0006 derives
/// from the log for a district that had none: the same rows, so a district migrated in place
/// pulls exactly what one that grew with the table does.
#[test]
fn deliveries_recorded_on_append_equal_those_derived_from_the_log() {
    let d = District::new();
    let p1 = d.problem("t1", &d.e1, Some(&d.d1));
    let p2 = d.problem("t2", &d.e2, None);
    d.assign(&p2, &d.d2);
    d.exec(
        "admin",
        taizhang_core::Command::Urge {
            problem_id: p2.clone(),
            level: taizhang_core::Escalation::Yellow,
            notice: "请加快办理".into(),
        },
    );
    // An enterprise's own event after a department may see one of its problems.
    let mut c = postgres::Client::connect(&d.url, postgres::NoTls).unwrap();
    let body: serde_json::Value =
        c.query_one("SELECT body::jsonb FROM enterprises WHERE id = $1", &[&d.e1]).unwrap().get(0);
    let mut e: taizhang_core::Enterprise = serde_json::from_value(body).unwrap();
    e.phone = "0591-12345678".into();
    d.exec("admin", taizhang_core::Command::UpdateEnterprise { enterprise: e });
    let sign =
        taizhang_core::EventBody::Signed { problem_id: p1.clone(), unit_id: d.d1.clone(), handler: "李四".into() };
    let mut lead = d.device("d1");
    let ev = lead.event(&sign, crate::cluster::t0() + chrono::Duration::hours(1));
    let (_, v) = lead.push(&d.server.base, &[ev]);
    assert_eq!(v["outcomes"][0]["outcome"], "applied", "{v}");

    let migration = include_str!("../../migrations/0006_deliveries.sql");
    let start = migration.find("INSERT INTO deliveries (unit_id, server_seq)").unwrap();
    let derive = &migration[start..][..migration[start..].find(';').unwrap()];
    let derive = derive.trim_start_matches("INSERT INTO deliveries (unit_id, server_seq)");
    let mut rows = |sql: &str| -> BTreeSet<(String, i64)> {
        c.query(sql, &[]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect()
    };
    let derived = rows(derive);
    let recorded = rows("SELECT unit_id, server_seq FROM deliveries");
    assert_eq!(recorded, derived);
    // Each department receives its problem's events, and d1 the enterprise's update too.
    let of = |unit: &str| recorded.iter().filter(|(u, _)| u == unit).count();
    assert_eq!(of(&d.d1), 3, "d1: the assignment, the enterprise's update, its sign: {recorded:?}");
    assert_eq!(of(&d.d2), 2, "d2: the assignment, the urge: {recorded:?}");
    assert_eq!(of(&d.t1) + of(&d.t2), 0, "a township reads its own through township_id");
}

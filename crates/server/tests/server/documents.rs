//! Printed documents' numbers on the server (docs/documents.md): the office's issues are
//! folded into the problems and the `documents` table, numbered one after the other within a
//! batch; a desk's pushed number is judged by the same rules (taken → refused, issued already
//! → no effect); each unit pulls the documents of the problems it may see.

use std::collections::BTreeSet;

use taizhang_core::document::DocumentKind;
use taizhang_core::*;
use taizhang_server::Store;

use crate::cluster::t0;
use crate::count;
use crate::fixture::District;

fn issue(problem: &str) -> Command {
    Command::IssueDocument { problem_id: problem.into(), kind: DocumentKind::AssignmentNotice }
}

fn forged(problem: &str, seq: u32, series: Option<&str>, number: &str) -> EventBody {
    EventBody::DocumentIssued {
        problem_id: problem.into(),
        kind: DocumentKind::AssignmentNotice,
        round: 1,
        year: 2026,
        seq,
        series: series.map(str::to_string),
        number: number.into(),
    }
}

fn numbers(url: &str) -> Vec<(i32, String)> {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.query("SELECT seq, number FROM documents ORDER BY seq, number", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn documents_fold_number_and_travel_with_their_problem() {
    let d = District::new();
    let base = &d.server.base;
    let p1 = d.problem("t1", &d.e1, Some(&d.d1));
    let p2 = d.problem("t2", &d.e2, Some(&d.d2));
    let p3 = d.problem("t1", &d.e1, Some(&d.d1));

    // One batch: two numbers in sequence.
    let out = d.store.execute("admin", &[issue(&p1), issue(&p2)], t0()).unwrap();
    assert!(out.iter().all(|o| o.outcome == "applied"), "{out:?}");
    assert_eq!(numbers(&d.url), [(1, "企服办交〔2026〕1号".to_string()), (2, "企服办交〔2026〕2号".to_string())]);
    assert_eq!(
        count(&d.url, "SELECT count(*) FROM problems WHERE jsonb_array_length(body::jsonb->'documents') = 1"),
        2
    );
    // Not the office's: refused, nothing stored.
    assert!(d.store.execute("t1", &[issue(&p3)], t0()).is_err());

    // A desk's own pushes, judged by the same rules.
    let mut office = d.device("admin");
    let admin = d.user_id("admin");
    let taken = office.event_as(&admin, &forged(&p3, 9, None, "企服办交〔2026〕1号"), t0());
    let again = office.event_as(&admin, &forged(&p1, 7, Some("AB12"), "企服办交〔2026〕AB12-1号"), t0());
    let fresh = office.event_as(&admin, &forged(&p3, 1, Some("AB12"), "企服办交〔2026〕AB12-1号"), t0());
    let (s, v) = office.push(base, &[taken, again, fresh]);
    assert_eq!(s, 200, "{v}");
    let outcomes: Vec<&str> = (0..3).map(|i| v["outcomes"][i]["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["refused", "no_effect", "applied"], "{v}");
    assert_eq!(v["outcomes"][0]["reason"]["code"], "input.duplicate");
    // A device-series number takes no place in the district's sequence.
    let out = d.store.execute("admin", &[issue(&p3)], t0());
    assert!(out.is_err(), "p3's notice is issued already");
    assert_eq!(numbers(&d.url).len(), 3);
    assert_eq!(count(&d.url, "SELECT coalesce(max(seq), 0)::bigint FROM documents WHERE series IS NULL"), 2);

    // Each unit pulls the documents of the problems it may see.
    let docs_of = |login: &str| -> BTreeSet<String> {
        let (events, _) = d.device(login).pull_all(base, 100);
        events
            .iter()
            .filter(|e| e.event.kind == "document_issued")
            .filter_map(|e| serde_json::from_str::<serde_json::Value>(&e.event.payload).ok())
            .filter_map(|p| p["problem_id"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(docs_of("d1"), BTreeSet::from([p1.clone(), p3.clone()]));
    assert_eq!(docs_of("t2"), BTreeSet::from([p2.clone()]));
    assert_eq!(docs_of("d2"), BTreeSet::from([p2]));
}

#[test]
fn a_bulletin_is_numbered_once_and_reaches_everyone() {
    let d = District::new();
    let issue = |period: &str| Command::IssueBulletin { period: period.into() };
    let out = d.store.execute("admin", &[issue("2026-02"), issue("2026-Q1")], t0()).unwrap();
    assert!(out.iter().all(|o| o.outcome == "applied"), "{out:?}");
    assert_eq!(numbers(&d.url), [(1, "2026年第1期".to_string()), (2, "2026年第2期".to_string())]);
    assert!(d.store.execute("admin", &[issue("2026-02")], t0()).is_err(), "one number a period");
    let (events, _) = d.device("d2").pull_all(&d.server.base, 100);
    assert_eq!(events.iter().filter(|e| e.event.kind == "bulletin_issued").count(), 2, "district-wide");
}

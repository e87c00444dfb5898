//! The replica's fold, without a server (crates/ledger/src/replica/). A replica fed another ledger's log as if the server had applied it equals that ledger,
//! whether the log arrives in order (folded on top) or a problem's history arrives late
//! beneath it (folded again); pending events fold on top and an undone one leaves no trace.

use std::path::Path;

use chrono::{TimeZone, Utc};
use taizhang_protocol::{Cursor, EventOutcome, PulledEvent, WireEvent};

use taizhang_ledger::{Joined, Ledger};
use taizhang_testsupport::demo::{generate, DemoOptions};

fn joined() -> Joined {
    Joined {
        device_id: "0190f3a2-7c4e-7b21-9d3e-5a1b2c3d7f3a".into(),
        server_url: "http://127.0.0.1:1".into(),
        fingerprint: None,
        user_id: "u".into(),
        login: "u".into(),
        key_file: "k".into(),
        device_state: "approved".into(),
    }
}

/// Every event of the ledger at `path` as the server would deliver it, applied at
/// `server_seq` = seq.
fn as_pulled(path: &Path) -> Vec<PulledEvent> {
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut st = conn
        .prepare("SELECT seq, id, device_id, device_seq, prev_hash, hash, actor, occurred_at, kind, schema_version, payload FROM events ORDER BY seq")
        .unwrap();
    st.query_map([], |r| {
        Ok(PulledEvent {
            delivery: r.get(0)?,
            server_seq: r.get(0)?,
            event: WireEvent {
                id: r.get(1)?,
                device_id: r.get(2)?,
                device_seq: r.get(3)?,
                prev_hash: r.get(4)?,
                hash: r.get(5)?,
                actor: r.get(6)?,
                occurred_at: r.get(7)?,
                kind: r.get(8)?,
                schema_version: r.get(9)?,
                payload: r.get(10)?,
                sig_alg: String::new(),
                sig: String::new(),
            },
            outcome: "applied".into(),
            reason: None,
            flag: None,
        })
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// A small demo district in `dir`, and every event of it as pulled.
fn source(dir: &Path) -> (Ledger, Vec<PulledEvent>) {
    let opts =
        DemoOptions { problems: 40, end: Utc.with_ymd_and_hms(2026, 5, 15, 2, 0, 0).unwrap(), ..Default::default() };
    let path = dir.join("source.db");
    let mut ledger = Ledger::create(&path, opts.start()).unwrap();
    generate(&mut ledger, &opts);
    let pulled = as_pulled(&path);
    (ledger, pulled)
}

fn assert_equal_to(replica: &mut Ledger, source: &Ledger) {
    assert_eq!(replica.projection_digests().unwrap(), source.projection_digests().unwrap());
    assert!(replica.rebuild().unwrap().equal);
    assert!(replica.verify().unwrap().ok);
}

#[test]
fn a_replica_of_a_log_in_order_or_reordered_equals_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let (source, all) = source(dir.path());
    let end = Cursor { after: all.len() as i64, after_event: all.len() as i64 };

    // In order, two pages: the second folds on top.
    let mut in_order = Ledger::create_replica(&dir.path().join("a.db"), &joined(), Utc::now()).unwrap();
    let (first, second) = all.split_at(all.len() / 2);
    assert!(
        !in_order
            .ingest_pulled(first, Cursor { after: first.len() as i64, after_event: 0 }, end.after)
            .unwrap()
            .refolded
    );
    let got = in_order.ingest_pulled(second, end, end.after).unwrap();
    assert!(!got.refolded && got.received == second.len());
    assert_equal_to(&mut in_order, &source);
    assert_eq!(in_order.pull_cursor().unwrap(), end);
    // The same page again changes nothing.
    let again = in_order.ingest_pulled(second, end, end.after).unwrap();
    assert_eq!((again.received, again.known), (0, second.len()));

    // One problem's whole history arrives after everything else: folded again, still equal.
    let late = all.iter().find(|p| p.event.kind == "problem_registered").unwrap().event.id.clone();
    let late_problem =
        serde_json::from_str::<serde_json::Value>(&all.iter().find(|p| p.event.id == late).unwrap().event.payload)
            .unwrap()["problem_id"]
            .as_str()
            .unwrap()
            .to_string();
    let (history, rest): (Vec<_>, Vec<_>) =
        all.iter().cloned().partition(|p| p.event.payload.contains(&format!("\"problem_id\":\"{late_problem}\"")));
    assert!(!history.is_empty());
    let mut reordered = Ledger::create_replica(&dir.path().join("b.db"), &joined(), Utc::now()).unwrap();
    reordered.ingest_pulled(&rest, end, end.after).unwrap();
    assert!(reordered.problem(&late_problem).is_err());
    assert!(reordered.ingest_pulled(&history, end, end.after).unwrap().refolded);
    assert_equal_to(&mut reordered, &source);
}

#[test]
fn a_pending_event_folds_on_top_and_a_refused_one_is_undone() {
    let dir = tempfile::tempdir().unwrap();
    let (_source, all) = source(dir.path());
    let end = Cursor { after: all.len() as i64, after_event: all.len() as i64 };
    let mut replica = Ledger::create_replica(&dir.path().join("r.db"), &joined(), Utc::now()).unwrap();
    replica.ingest_pulled(&all, end, end.after).unwrap();
    let before = replica.projection_digests().unwrap();

    // The office renames a unit here, offline: pending, folded on top, its own chain.
    let office = replica.units().unwrap().into_iter().next().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 5, 15, 3, 0, 0).unwrap();
    let admin = "admin";
    let cmd = taizhang_core::Command::UpdateUnit {
        unit_id: office.id.clone(),
        name: "改名后的单位".into(),
        short_name: office.short_name.clone(),
        active: true,
    };
    let made = replica.execute(admin, &cmd, now).unwrap();
    assert_eq!(replica.pending_count().unwrap(), 1);
    // The subject's timeline marks it pending; what the server applied is marked applied.
    let marks = |replica: &Ledger| -> Vec<(String, Option<String>)> {
        replica.timeline(&office.id).unwrap().into_iter().map(|e| (e.event_id, e.sync_state)).collect()
    };
    let before_outcome = marks(&replica);
    assert_eq!(before_outcome.last().unwrap(), &(made[0].id.clone(), Some("pending".to_string())));
    assert!(before_outcome[..before_outcome.len() - 1].iter().all(|(_, s)| s.as_deref() == Some("applied")));
    assert_eq!(replica.pending_events(10).unwrap()[0].id, made[0].id);
    assert!(replica.rebuild().unwrap().equal);
    assert_ne!(replica.projection_digests().unwrap(), before);

    // The server refuses it: undone, kept in the log with its reason.
    let reason = serde_json::json!({ "code": "auth.forbidden" });
    let outcome = EventOutcome {
        id: made[0].id.clone(),
        device_seq: 1,
        server_seq: end.after + 1,
        outcome: "refused".into(),
        reason: Some(reason.clone()),
        flag: None,
    };
    let record = replica.record_push_outcomes(std::slice::from_ref(&outcome)).unwrap();
    assert!(record.refolded && record.refused == 1);
    assert_eq!(replica.projection_digests().unwrap(), before);
    assert!(replica.rebuild().unwrap().equal);
    let status = replica.replica_status().unwrap();
    assert_eq!((status.pending, status.not_applied.len()), (0, 1));
    assert_eq!(status.not_applied[0].reason, Some(reason.clone()));
    // Undone, and still on the timeline with its reason: never silently dropped.
    let refused = replica.timeline(&office.id).unwrap().pop().unwrap();
    assert_eq!((refused.event_id.as_str(), refused.sync_state.as_deref()), (made[0].id.as_str(), Some("refused")));
    assert_eq!(refused.sync_reason, Some(reason));
    // The same outcome again is accepted; another one for it is not.
    replica.record_push_outcomes(std::slice::from_ref(&outcome)).unwrap();
    let other = EventOutcome { outcome: "applied".into(), ..outcome };
    assert_eq!(replica.record_push_outcomes(&[other]).unwrap_err().code(), "sync.pulled_event_invalid");
}

#[test]
fn only_a_new_file_becomes_a_replica_and_a_standalone_file_is_none() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let standalone = Ledger::create(&path, Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()).unwrap();
    assert!(!standalone.is_replica().unwrap());
    assert_eq!(standalone.replica().unwrap_err().code(), "sync.not_a_replica");
    assert_eq!(standalone.pending_events(1).unwrap_err().code(), "sync.not_a_replica");
    drop(standalone);
    assert_eq!(Ledger::create_replica(&path, &joined(), Utc::now()).err().unwrap().code(), "sync.replica_not_fresh");
}

#[test]
fn a_pulled_event_that_does_not_check_keeps_nothing_of_its_page() {
    let dir = tempfile::tempdir().unwrap();
    let (_source, mut all) = source(dir.path());
    let mut replica = Ledger::create_replica(&dir.path().join("t.db"), &joined(), Utc::now()).unwrap();
    all[3].event.actor = "someone else".into();
    let e = replica.ingest_pulled(&all[..5], Cursor { after: 5, after_event: 5 }, 5).unwrap_err();
    assert_eq!(e.code(), "sync.pulled_event_invalid");
    assert_eq!(replica.pull_cursor().unwrap(), Cursor::default());
    drop(replica);
    let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0);
}

/// A document issued on a replica takes its number from the device's own series (docs/documents.md,
/// "Many desks"): the office's pattern with the device's tag and its own count, pending until
/// the server decides, and folded like every event.
#[test]
fn a_document_issued_on_a_replica_is_numbered_in_the_devices_series() {
    use taizhang_core::document::DocumentKind;
    let dir = tempfile::tempdir().unwrap();
    let (_source, all) = source(dir.path());
    let end = Cursor { after: all.len() as i64, after_event: all.len() as i64 };
    let mut replica = Ledger::create_replica(&dir.path().join("r.db"), &joined(), Utc::now()).unwrap();
    replica.ingest_pulled(&all, end, end.after).unwrap();
    let assigned: Vec<String> = replica
        .all_problems()
        .unwrap()
        .into_iter()
        .filter(|p| p.assignment.is_some() && p.status.is_open())
        .map(|p| p.id)
        .take(2)
        .collect();
    assert_eq!(assigned.len(), 2, "the demo has assigned items");
    let now = Utc.with_ymd_and_hms(2026, 5, 15, 3, 0, 0).unwrap();
    let mut numbers = Vec::new();
    for id in &assigned {
        let cmd =
            taizhang_core::Command::IssueDocument { problem_id: id.clone(), kind: DocumentKind::AssignmentNotice };
        let made = replica.execute("admin", &cmd, now).unwrap();
        assert_eq!(made[0].payload["series"], "7F3A");
        numbers.push(made[0].payload["number"].as_str().unwrap().to_string());
    }
    assert_eq!(numbers, ["企服办交〔2026〕7F3A-1号", "企服办交〔2026〕7F3A-2号"]);
    let made =
        replica.execute("admin", &taizhang_core::Command::IssueBulletin { period: "2026-04".into() }, now).unwrap();
    assert_eq!(made[0].payload["number"], "2026年第7F3A-1期");
    assert_eq!(replica.pending_count().unwrap(), 3);
    let printed = replica.documents(&assigned, DocumentKind::AssignmentNotice).unwrap();
    assert_eq!(printed.iter().map(|d| d.document.as_ref().unwrap().number.clone()).collect::<Vec<_>>(), numbers);
    assert!(replica.rebuild().unwrap().equal);
}

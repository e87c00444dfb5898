//! The store itself: init, the append-only log, the server chain and `verify`, ordering.

use taizhang_server::{PgStore, ServerError, Store};

use crate::cluster::{empty_db, t0, ADMIN_PASSWORD};
use crate::fixture::District;
use crate::{count, sql, visit};

#[test]
fn init_creates_the_district_once_and_open_refuses_an_empty_database() {
    let url = empty_db();
    assert!(matches!(PgStore::open(&url), Err(ServerError::NotADistrict { .. })));
    let store = PgStore::init(&url, ADMIN_PASSWORD, t0()).unwrap();
    assert!(matches!(PgStore::init(&url, ADMIN_PASSWORD, t0()), Err(ServerError::AlreadyInitialized)));
    let r = store.verify().unwrap();
    assert_eq!(r.broken, None);
    // The core's genesis (ledger, office, admin, calendar years, settings) and admin's password.
    let kinds = count(
        &url,
        "SELECT count(DISTINCT kind) FROM events WHERE kind IN
        ('ledger_initialized','unit_created','user_created','calendar_year_set','settings_changed','password_set')",
    );
    assert_eq!(kinds, 6);
    assert_eq!(r.events, count(&url, "SELECT count(*) FROM events"));
    assert_eq!(count(&url, "SELECT count(*) FROM schema_migrations"), taizhang_server::store::schema::latest() as i64);
    assert!(matches!(
        PgStore::init(&empty_db(), "short", t0()),
        Err(ServerError::Domain(taizhang_core::DomainError::Invalid { .. }))
    ));
}

#[test]
fn events_are_append_only_for_everyone_and_the_app_role_has_no_grant() {
    let d = District::new();
    for q in [
        "UPDATE events SET payload = '{}' WHERE server_seq = 1",
        "DELETE FROM events WHERE server_seq = 1",
        "TRUNCATE events CASCADE",
    ] {
        let e = sql(&d.url, q).expect_err(q);
        let e = taizhang_server::error::db_message(&e);
        assert!(e.contains("append-only"), "{q}: {e}");
    }
    // As the application role the privilege itself is missing (the trigger never runs).
    let mut c = postgres::Client::connect(&d.url, postgres::NoTls).unwrap();
    c.batch_execute("SET ROLE taizhang_app").unwrap();
    for q in ["UPDATE events SET payload = '{}' WHERE server_seq = 1", "DELETE FROM events", "TRUNCATE events"] {
        let e = taizhang_server::error::db_message(&c.execute(q, &[]).expect_err(q));
        assert!(e.contains("permission denied"), "{q}: {e}");
    }
    assert!(c.execute("SELECT 1 FROM events LIMIT 1", &[]).is_ok());
}

/// The log's device column has no foreign key check (migration 0010), so nothing may take a
/// device away from the events that name it.
#[test]
fn a_device_cannot_be_deleted_by_anyone() {
    let d = District::new();
    for q in ["DELETE FROM devices", "TRUNCATE devices CASCADE"] {
        let e = sql(&d.url, q).expect_err(q);
        let e = taizhang_server::error::db_message(&e);
        assert!(e.contains("append-only") || e.contains("refused"), "{q}: {e}");
    }
    assert!(count(&d.url, "SELECT count(*) FROM devices") > 0);
    assert_eq!(
        count(
            &d.url,
            "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = e.device_id)"
        ),
        0
    );
}

#[test]
fn verify_names_a_tampered_or_missing_row() {
    let d = District::new();
    assert_eq!(d.store.verify().unwrap().broken, None);
    let n = count(&d.url, "SELECT max(server_seq) FROM events");
    // Tampering needs the owner to switch the guard off: exactly what verify must still catch.
    let last = format!("DELETE FROM events WHERE server_seq = {n}");
    for (tamper, at) in [
        ("UPDATE events SET payload = replace(payload, '一镇', '三镇') WHERE server_seq = 8", 8),
        ("UPDATE events SET outcome = 'refused' WHERE server_seq = 5", 5),
        ("DELETE FROM events WHERE server_seq = 7", 7),
        (last.as_str(), n),
    ] {
        let d = District::new();
        let mut c = postgres::Client::connect(&d.url, postgres::NoTls).unwrap();
        c.batch_execute(&format!(
            "ALTER TABLE events DISABLE TRIGGER USER; {tamper}; ALTER TABLE events ENABLE TRIGGER USER"
        ))
        .unwrap();
        let r = d.store.verify().unwrap();
        assert_eq!(r.broken.as_ref().map(|b| b.0), Some(at), "{tamper}: {r:?}");
    }
    assert!(n > 9);
}

#[test]
fn a_refused_office_command_writes_nothing() {
    let d = District::new();
    let before = count(&d.url, "SELECT count(*) FROM events");
    let cmd = taizhang_core::Command::CreateUnit {
        unit_id: "x".into(),
        name: "三镇".into(),
        short_name: "三镇".into(),
        kind: taizhang_core::UnitKind::Township,
    };
    let e = d.store.execute("t1", &[cmd], t0()).unwrap_err();
    assert_eq!(e.code(), "auth.forbidden");
    assert_eq!(count(&d.url, "SELECT count(*) FROM events"), before);
}

/// Concurrent pushers, each its own device, while a reader polls: server_seq has no gap, each
/// device's events are in its order, and the reader, following its cursor, sees every event
/// exactly once (no late commit slips under a cursor).
#[test]
fn server_seq_is_commit_order_under_concurrent_pushers() {
    let d = District::new();
    let (pushers, each) = (6, 15);
    let mut devices: Vec<_> = (0..pushers).map(|_| d.device("t1")).collect();
    let reader = d.device("admin");
    let base = d.server.base.clone();
    let start = count(&d.url, "SELECT max(server_seq) FROM events");
    let batches: Vec<Vec<_>> =
        devices.iter_mut().map(|dev| (0..each).map(|_| dev.event(&visit(&d), t0())).collect()).collect();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poll = {
        let (base, done) = (base.clone(), done.clone());
        std::thread::spawn(move || {
            let (mut after, mut seen) = (start, Vec::new());
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let (s, v) = reader.pull(&base, after, after, 7);
                assert_eq!(s, 200, "{v}");
                let page: taizhang_server::protocol::PullReply = serde_json::from_value(v).unwrap();
                seen.extend(page.events.iter().map(|e| e.server_seq));
                after = page.next.after;
                if finished && !page.more {
                    return seen;
                }
            }
        })
    };
    let handles: Vec<_> = devices
        .into_iter()
        .zip(batches)
        .map(|(dev, events)| {
            let base = base.clone();
            // One event per request, so the pushers interleave as much as they can.
            std::thread::spawn(move || {
                for ev in events {
                    let (s, v) = dev.push(&base, std::slice::from_ref(&ev));
                    assert_eq!(s, 200, "{v}");
                    assert_eq!(v["outcomes"][0]["outcome"], "applied", "{v}");
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = poll.join().unwrap();
    let total = (pushers * each) as i64;
    assert_eq!(seen, ((start + 1)..=(start + total)).collect::<Vec<_>>(), "the reader saw every event once, in order");
    assert_eq!(count(&d.url, "SELECT max(server_seq) - min(server_seq) + 1 - count(*) FROM events"), 0);
    // Within each device, server order is device order.
    let disorder = count(
        &d.url,
        "SELECT count(*) FROM (SELECT device_seq, lag(device_seq) OVER (PARTITION BY device_id ORDER BY server_seq) AS prev
                              FROM events) s WHERE prev IS NOT NULL AND device_seq <> prev + 1",
    );
    assert_eq!(disorder, 0);
    assert_eq!(d.store.verify().unwrap().broken, None);
}

/// A pooled connection that PostgreSQL ended moments after it was given back is not asked
/// whether it lives before a push or a pull (that was a round trip more for each); the push or
/// pull that meets it dead runs again on a new connection, and the caller sees nothing of it.
#[test]
fn a_push_and_a_pull_outlive_their_pooled_connections_being_ended() {
    let d = District::new();
    let mut dev = d.device("t1");
    let row = d.store.device(&dev.id).unwrap().unwrap();
    let first = dev.event(&visit(&d), t0());
    assert_eq!(d.store.push(&row, std::slice::from_ref(&first), t0()).unwrap().outcomes[0].outcome, "applied");
    let end_others = |d: &District| {
        let mut admin = postgres::Client::connect(&d.url, postgres::NoTls).unwrap();
        admin
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                &[],
            )
            .unwrap();
    };
    end_others(&d);
    let second = dev.event(&visit(&d), t0());
    let reply = d.store.push(&row, std::slice::from_ref(&second), t0()).unwrap();
    assert_eq!(reply.outcomes[0].outcome, "applied", "{reply:?}");
    end_others(&d);
    let page = d.store.pull(&row, taizhang_server::protocol::Cursor::default(), 100).unwrap();
    assert!(page.events.iter().any(|e| e.event.id == second.id), "the pull reads what the push stored");
    // Nothing was stored twice.
    assert_eq!(count(&d.url, &format!("SELECT count(*) FROM events WHERE id = '{}'", second.id)), 1);
}

/// Migration 0011 turns the projections' JSONB bodies into text, in place (and 0012 drops an
/// index nothing reads): a district of schema 10 keeps every aggregate as it was, and a store
/// opened afterwards reads them back and goes on appending from them.
#[test]
fn bodies_become_text_in_place_and_the_district_goes_on() {
    let d = District::new();
    let p = d.problem("t1", &d.e1, Some(&d.d1));
    let tables = [
        "units",
        "users",
        "enterprises",
        "visits",
        "problems",
        "projects",
        "indicator_reports",
        "project_progress",
        "warnings",
    ];
    let bodies = |url: &str| -> Vec<(String, serde_json::Value)> {
        let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
        let sql = tables.map(|t| format!("SELECT '{t}', body::text FROM {t}")).join(" UNION ALL ");
        let mut rows: Vec<(String, serde_json::Value)> = c
            .query(&sql, &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), serde_json::from_str(r.get::<_, &str>(1)).unwrap()))
            .collect();
        rows.sort_by(|a, b| (&a.0, a.1.to_string()).cmp(&(&b.0, b.1.to_string())));
        rows
    };
    let before = bodies(&d.url);
    assert!(before.iter().any(|(t, _)| t == "problems"));
    // Back to schema 10: the bodies as JSONB, the index back, the steps not recorded.
    let mut c = postgres::Client::connect(&d.url, postgres::NoTls).unwrap();
    for t in tables {
        c.batch_execute(&format!("ALTER TABLE {t} ALTER COLUMN body TYPE jsonb USING body::jsonb")).unwrap();
    }
    c.batch_execute("DELETE FROM schema_migrations WHERE version >= 11").unwrap();
    assert!(matches!(PgStore::open(&d.url), Err(ServerError::NotADistrict { .. })));
    c.batch_execute(
        "CREATE INDEX events_enterprise ON events (enterprise_id, server_seq) WHERE enterprise_id IS NOT NULL",
    )
    .unwrap();
    assert_eq!(taizhang_server::store::schema::migrate(&mut c).unwrap(), 2);
    assert_eq!(bodies(&d.url), before);
    let types = count(
        &d.url,
        "SELECT count(*) FROM information_schema.columns WHERE column_name = 'body' AND data_type = 'text'
           AND table_name IN ('units', 'users', 'enterprises', 'visits', 'problems', 'projects',
                              'indicator_reports', 'project_progress', 'warnings')",
    );
    assert_eq!(types, tables.len() as i64);
    // A store that never saw these rows reads them back to decide: the lead department signs.
    let fresh = PgStore::open(&d.url).unwrap();
    let signed = fresh
        .execute("d1", &[taizhang_core::Command::Sign { problem_id: p.clone(), handler: "张三".into() }], t0())
        .unwrap();
    assert_eq!(signed[0].outcome, "applied", "{signed:?}");
    assert_eq!(
        count(
            &d.url,
            &format!("SELECT count(*) FROM problems WHERE id = '{p}' AND body::jsonb->>'status' = 'in_progress'")
        ),
        1
    );
    assert_eq!(fresh.verify().unwrap().broken, None);
}

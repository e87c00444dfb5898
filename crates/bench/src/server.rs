//! The district server's rows (phase `server`, `--server-events N`): a throw-away PostgreSQL
//! 15 cluster of its own (`taizhang_testsupport::pg`, as the server tests start theirs; stopped
//! and removed at the end, on failure too), a district made by `PgStore::init`, and the demo
//! district's events pushed into it through `Store::push` — the store path the HTTP push
//! handler calls — by one signed device per user (`load`).
//!
//! Rows, all from one run:
//! 1. push ingest of the first 100,000 events, beside a bare multi-row INSERT of the same rows
//!    (the same 22 columns and bytes, read back from `events`) in the same batches, one
//!    transaction each, into a plain table (`LIKE events`: no index, no constraint, no trigger)
//!    of the same database;
//! 2. the push of the whole district (≈ 1M events at the default scale), which also seeds the
//!    pull rows;
//! 3. a township's first pull: `Store::pull` page by page (500 and 1,000 a page) and a fresh
//!    replica file joined as that township's user and synced through the real HTTP server
//!    (axum in process on 127.0.0.1:0) with `taizhang_sync` — once when the township can see
//!    ≈ 50,000 events (the target's figure), and again at the end;
//! 4. a full office replica from scratch: joined as `admin` and synced over HTTP the same way.

mod load;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use postgres::types::ToSql;
use postgres::{Client, NoTls};
use taizhang_core::Command;
use taizhang_demo::DemoOptions;
use taizhang_protocol::{Cursor, DEFAULT_PAGE, MAX_PAGE};
use taizhang_server::store::DeviceRow;
use taizhang_server::{PgStore, Store};
use taizhang_sync::{JoinOptions, PULL_PAGE};
use taizhang_testsupport::pg::PgCluster;

use super::{file_len, remove_db, row, secs, thousands, Args, Res, Row};

/// Every server row's name starts with this (`--update` replaces the rows that do).
pub const PREFIX: &str = "District server";
const ADMIN_PASSWORD: &str = "bench-admin-secret";
const PASSWORD: &str = "bench-pass-word";
/// Events in the ingest row.
const INGEST: usize = 100_000;
/// The township pull of the target.
const TOWNSHIP_PULL: i64 = 50_000;
/// How often (events pushed) the township's share is looked at.
const CHECK_EVERY: usize = 10_000;
/// The columns of `events`, in the order the appender writes them.
const COLS: &str = "server_seq, id, device_id, device_seq, prev_hash, hash, actor, occurred_at, kind, schema_version,
     payload, sig_alg, sig, received_at, chain_hash, outcome, reason, reason_code, flag, problem_id, enterprise_id, township_id";

/// Stops and removes the cluster when the phase ends, however it ends.
struct Cluster(PgCluster);

impl Drop for Cluster {
    fn drop(&mut self) {
        eprintln!("server: stopping and removing the cluster in {}", self.0.dir.display());
        self.0.stop();
    }
}

pub fn bench(a: &Args, end: DateTime<Utc>, rows: &mut Vec<Row>, facts: &mut Vec<String>) {
    if let Err(e) = run(a, end, rows, facts) {
        eprintln!("server: {e}");
        rows.push(row(&format!("{PREFIX} rows"), format!("not measured: {e}"), "—".into(), "—".into(), "—", None));
    }
}

/// What the phase shares between its steps.
struct Bench<'a> {
    store: Arc<PgStore>,
    /// The cluster's superuser on the district's database.
    admin: Client,
    base_url: String,
    dir: PathBuf,
    now: DateTime<Utc>,
    rows: &'a mut Vec<Row>,
    facts: &'a mut Vec<String>,
    /// Users given a password for a replica's join.
    passwords: Vec<String>,
}

fn run(a: &Args, end: DateTime<Utc>, rows: &mut Vec<Row>, facts: &mut Vec<String>) -> Res<()> {
    let problems = ((a.server_events as f64 / 9.93).round() as usize).max(60);
    let opts = DemoOptions { problems, seed: 2026, end, days: 300, monitoring: true };
    let src = load::source(&a.dir.join(format!("server-demo-{problems}.db")), problems, end, a.reuse, facts)?;
    let schedule = load::schedule(&src);
    let total = src.events.len();
    eprintln!(
        "server: {} events in {} batches from {} devices ({:.1} a batch)",
        total,
        schedule.len(),
        src.actors.len(),
        total as f64 / schedule.len() as f64
    );
    let dir = std::fs::canonicalize(&a.dir)?;
    // BENCH_PG_STATS=1: pg_stat_statements, and the statements that took the most time printed at the end.
    let stats = std::env::var("BENCH_PG_STATS").is_ok_and(|v| v == "1");
    let mut options = if stats {
        "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on".to_string()
    } else {
        String::new()
    };
    // BENCH_PG_OPTIONS: more server options for a look inside (e.g. auto_explain's), appended as given.
    if let Ok(more) = std::env::var("BENCH_PG_OPTIONS") {
        options = format!("{options} {more}");
    }
    let cluster = Cluster(PgCluster::start_with(&dir, &options)?);
    cluster.0.watchdog()?;
    eprintln!("server: cluster on 127.0.0.1:{} in {}", cluster.0.port, cluster.0.dir.display());
    Client::connect(&cluster.0.url("postgres"), NoTls)?.batch_execute("CREATE DATABASE district")?;
    let url = cluster.0.url("district");
    let store = Arc::new(PgStore::init(&url, ADMIN_PASSWORD, opts.start())?);
    let mut admin = Client::connect(&url, NoTls)?;
    if stats {
        admin.batch_execute("CREATE EXTENSION pg_stat_statements")?;
    }
    let server_genesis: Vec<(String, String)> = admin
        .query("SELECT kind, payload FROM events ORDER BY server_seq LIMIT 3", &[])?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let ids: Vec<(String, String)> =
        src.genesis.iter().cloned().zip(load::genesis_ids(&server_genesis)?.iter().cloned()).collect();
    let genesis_len: i64 = admin.query_one("SELECT count(*) FROM events", &[])?.get(0);
    // A device per user, approved (the join and the approval are not what is measured).
    let now = Utc::now().max(end + Duration::hours(1));
    let mut devices = Vec::new();
    let mut device_rows: Vec<DeviceRow> = Vec::new();
    for (n, actor) in src.actors.iter().enumerate() {
        let user = ids.iter().find(|(old, _)| old == actor).map_or(actor.clone(), |(_, new)| new.clone());
        let d = load::Device::new(n, &user);
        admin.execute(
            "INSERT INTO devices (id, user_id, kind, name, key_alg, public_key, state, joined_at, decided_at, decided_by)
             VALUES ($1, $2, 'desktop', $3, 'ed25519', $4, 'approved', $5, $5, 'bench')",
            &[&d.id, &d.user_id, &format!("bench desk {n}"), &d.public_key(), &now],
        )?;
        device_rows.push(store.device(&d.id)?.ok_or("the device just written")?);
        devices.push(d);
    }
    let base_url = serve(&url)?;
    let mut b = Bench { store, admin, base_url, dir, now, rows, facts, passwords: Vec::new() };

    // The township of the first registration; its pulls are a township official's.
    let town = src.events.iter().find_map(|e| e.township.clone()).ok_or("no registration in the load")?;
    let (mut pushed, mut push_secs, mut batches, mut applied) = (0usize, 0f64, 0usize, 0usize);
    let mut others: Vec<String> = Vec::new();
    let mut sizes: Vec<usize> = Vec::new();
    let (mut ingest_done, mut checkpoint_done, mut next_check) = (false, false, CHECK_EVERY);
    let wall = Instant::now();
    let mut cpu = 0.0;
    for batch in &schedule {
        let dev = &mut devices[batch.device];
        let wires: Vec<_> = batch.events.iter().map(|&i| dev.next(&src.events[i as usize], &ids)).collect();
        // The clock starts after the CPU reading and stops before the next: reading
        // /proc/self/stat is not the push's time.
        let c = cpu_seconds();
        let t = Instant::now();
        let reply = b.store.push(&device_rows[batch.device], &wires, now)?;
        push_secs += t.elapsed().as_secs_f64();
        cpu += cpu_seconds() - c;
        if let Some(stop) = reply.stopped {
            return Err(format!("push stopped at device_seq {}: {}", stop.device_seq, stop.code).into());
        }
        for o in &reply.outcomes {
            if o.outcome == "applied" {
                applied += 1;
            } else if others.len() < 5 {
                others.push(format!("{} {} {:?}", o.id, o.outcome, o.reason));
            }
        }
        pushed += wires.len();
        batches += 1;
        sizes.push(wires.len());
        if pushed % 50_000 < wires.len() {
            eprintln!("server: pushed {pushed} of {total} ({} events/s)", thousands(pushed as f64 / push_secs));
        }
        if !ingest_done && pushed >= INGEST.min(total) {
            ingest_done = true;
            ingest_row(&mut b, &sizes, pushed, push_secs, genesis_len)?;
        }
        if !checkpoint_done && pushed >= next_check {
            next_check += CHECK_EVERY;
            let visible: i64 = b.admin.query_one(
                "SELECT count(*) FROM events WHERE township_id = $1 OR (township_id IS NULL AND enterprise_id IS NULL AND problem_id IS NULL)",
                &[&town],
            )?.get(0);
            if visible >= TOWNSHIP_PULL {
                checkpoint_done = true;
                township_rows(&mut b, &device_rows, &town, pushed as i64 + genesis_len)?;
            }
        }
    }
    let wall = wall.elapsed().as_secs_f64();
    if applied != pushed {
        return Err(format!("{} of {pushed} events not applied, e.g. {others:?}", pushed - applied).into());
    }
    let db_size: i64 = b.admin.query_one("SELECT pg_database_size('district')", &[])?.get(0);
    b.facts.push(format!(
        "Server push of the whole load: {} events in {} batches (on average {:.0} events a batch; {} of 1,000) from {} devices, every one applied; {} in `Store::push` ({} wall, with the bench's own signing); the database is then {:.0} MB.",
        thousands(pushed as f64),
        thousands(batches as f64),
        pushed as f64 / batches as f64,
        thousands(sizes.iter().filter(|&&s| s == 1000).count() as f64),
        devices.len(),
        secs(push_secs),
        secs(wall),
        db_size as f64 / 1e6
    ));
    b.rows.push(row(
        &format!(
            "{PREFIX}: push of a whole district, {} events into one database (`Store::push`)",
            thousands(pushed as f64)
        ),
        format!("{} events/s ({})", thousands(pushed as f64 / push_secs), secs(push_secs)),
        "—".into(),
        "—".into(),
        "(none set)",
        None,
    ));
    if stats {
        let (calls, ms) = print_stats(&mut b.admin)?;
        b.facts.push(format!(
            "Server push profile (BENCH_PG_STATS=1, pg_stat_statements): PostgreSQL executed {} statements ({:.1} an event) in {} of execution, {:.0}% of the time in `Store::push`; the bench process used {} of CPU inside `Store::push` (its client side: the core's decide and fold, hashes, signature checks, JSON, the protocol); the rest is waiting on round trips to PostgreSQL (a prepare and an execute for each statement), its parsing and planning, and the machine's scheduling.",
            thousands(calls as f64),
            calls as f64 / pushed as f64,
            secs(ms / 1000.0),
            100.0 * ms / 1000.0 / push_secs,
            secs(cpu)
        ));
    }
    township_rows(&mut b, &device_rows, &town, pushed as i64 + genesis_len)?;
    office_row(&mut b, &device_rows[0])?;
    if stats {
        eprintln!("server: the statements after the pulls:");
        print_stats(&mut b.admin)?;
    }
    drop(b);
    drop(cluster);
    Ok(())
}

/// The statements that took the most time so far (BENCH_PG_STATS=1); (calls, milliseconds) of all.
fn print_stats(admin: &mut Client) -> Res<(i64, f64)> {
    let rows = admin.query(
        "SELECT calls, total_exec_time, total_plan_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 110)
           FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 25",
        &[],
    )?;
    for r in rows {
        let (calls, ms, plan, q): (i64, f64, f64, String) = (r.get(0), r.get(1), r.get(2), r.get(3));
        eprintln!("  {calls:>9} calls {ms:>10.0} ms (planning {plan:>8.0} ms)  {q}");
    }
    // The most frequent too: each call is a round trip, whatever it costs inside PostgreSQL.
    let rows = admin.query(
        "SELECT calls, total_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 110)
           FROM pg_stat_statements ORDER BY calls DESC LIMIT 12",
        &[],
    )?;
    eprintln!("  the most frequent:");
    for r in rows {
        let (calls, ms, q): (i64, f64, String) = (r.get(0), r.get(1), r.get(2));
        eprintln!("  {calls:>9} calls {ms:>10.0} ms  {q}");
    }
    // Which indexes were read at all: an index no statement reads is paid for by every insert.
    let rows = admin.query(
        "SELECT relname, indexrelname, idx_scan FROM pg_stat_user_indexes ORDER BY relname, indexrelname",
        &[],
    )?;
    eprintln!("  index scans:");
    for r in rows {
        let (table, index, scans): (String, String, i64) = (r.get(0), r.get(1), r.get(2));
        eprintln!("  {scans:>9} {table}.{index}");
    }
    let all = admin.query_one("SELECT sum(calls)::bigint, sum(total_exec_time) FROM pg_stat_statements", &[])?;
    Ok((all.get(0), all.get(1)))
}

/// This process's CPU time so far (user + system), from /proc/self/stat.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let f: Vec<f64> = after.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    // Fields 14 and 15 of the line (utime, stime), in clock ticks of 1/100 s.
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

/// The HTTP server in process on 127.0.0.1:0, on a runtime of its own, for the rest of the run.
fn serve(url: &str) -> Res<String> {
    let store: Arc<dyn Store> = Arc::new(PgStore::open(url)?);
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
        rt.block_on(async move {
            let l = tokio::net::TcpListener::from_std(listener).expect("the listener");
            if let Err(e) = taizhang_server::http::serve(l, store).await {
                eprintln!("server: http: {e}");
            }
        });
    });
    Ok(format!("http://{addr}"))
}

/// Row 1: the first `pushed` events' push beside a bare INSERT of the same rows in the same batches.
fn ingest_row(b: &mut Bench, sizes: &[usize], pushed: usize, push_secs: f64, genesis_len: i64) -> Res<()> {
    let rows = b.admin.query(
        &format!("SELECT {COLS} FROM events WHERE server_seq > $1 ORDER BY server_seq LIMIT $2"),
        &[&genesis_len, &(pushed as i64)],
    )?;
    let values: Vec<Vec<Box<dyn ToSql + Sync>>> = rows.iter().map(bare_values).collect();
    let bytes: i64 = b
        .admin
        .query_one(
            "SELECT sum(pg_column_size(e.*))::bigint FROM events e WHERE server_seq > $1 AND server_seq <= $2",
            &[&genesis_len, &(genesis_len + pushed as i64)],
        )?
        .get(0);
    b.admin.batch_execute("DROP TABLE IF EXISTS bare_events; CREATE TABLE bare_events (LIKE events)")?;
    let mut statements = Vec::new();
    let mut at = 0;
    for &n in sizes {
        let groups: Vec<String> = (0..n)
            .map(|r| format!("({})", (1..=22).map(|c| format!("${}", r * 22 + c)).collect::<Vec<_>>().join(", ")))
            .collect();
        statements.push((format!("INSERT INTO bare_events ({COLS}) VALUES {}", groups.join(", ")), at..at + n));
        at += n;
    }
    let t = Instant::now();
    for (sql, range) in &statements {
        let params: Vec<&(dyn ToSql + Sync)> = values[range.clone()].iter().flatten().map(|v| v.as_ref()).collect();
        let mut tx = b.admin.transaction()?;
        tx.execute(sql.as_str(), &params)?;
        tx.commit()?;
    }
    let floor = t.elapsed().as_secs_f64();
    let copied: i64 = b.admin.query_one("SELECT count(*) FROM bare_events", &[])?.get(0);
    b.admin.batch_execute("DROP TABLE bare_events")?;
    if copied != pushed as i64 {
        return Err(format!("the bare table holds {copied} rows, not {pushed}").into());
    }
    let (ours, bare) = (pushed as f64 / push_secs, pushed as f64 / floor);
    b.facts.push(format!(
        "Server ingest: the first {} events of the load (the district's units, users and enterprises, then its first weeks) pushed into a fresh district in {} batches (on average {:.0} events); the rows average {:.0} bytes. The floor inserts the same rows (all 22 columns, read back from `events`) with one multi-row INSERT a batch, each batch its own transaction, into `bare_events (LIKE events)`: no index, constraint or trigger.",
        thousands(pushed as f64),
        thousands(sizes.len() as f64),
        pushed as f64 / sizes.len() as f64,
        bytes as f64 / pushed as f64
    ));
    b.rows.push(
        row(
            &format!(
                "{PREFIX}: push ingest of {} events (`Store::push`, batches of ≤ 1,000 from signed devices: verify, decide, fold, chain)",
                thousands(pushed as f64)
            ),
            format!("{} events/s ({})", thousands(ours), secs(push_secs)),
            format!("bare INSERT, same rows and batches: {} events/s ({})", thousands(bare), secs(floor)),
            format!("{:.1}× the floor", bare / ours),
            "≤ 3× the floor",
            Some(bare / ours <= 3.0),
        )
        .limited_by(INGEST_LIMIT),
    );
    Ok(())
}

/// What limits the ingest row (the profile is in bench/notes.md).
const INGEST_LIMIT: &str = "the work the floor does not do, in two processes taking turns on two cores (perf: PostgreSQL about 55 % of a batch, this process 45 %, the other core idle): in PostgreSQL the write statement (the events into a table with nine indexes, the problems' aggregates upserted, grants and deliveries) and the read; in the process the Ed25519 check (about a third of its CPU in a push), the core's decision and fold and the aggregates' JSON; the four round trips a batch cost about as much as the floor's four (≈ 10 µs each: merging them would save ≈ 1 %); the floor writes bare rows with no index, decides nothing and checks no signature (bench/notes.md, stop 32)";

fn bare_values(r: &postgres::Row) -> Vec<Box<dyn ToSql + Sync>> {
    let s = |i: usize| -> Box<dyn ToSql + Sync> { Box::new(r.get::<_, String>(i)) };
    let n = |i: usize| -> Box<dyn ToSql + Sync> { Box::new(r.get::<_, i64>(i)) };
    let o = |i: usize| -> Box<dyn ToSql + Sync> { Box::new(r.get::<_, Option<String>>(i)) };
    vec![
        n(0),
        s(1),
        s(2),
        n(3),
        s(4),
        s(5),
        s(6),
        s(7),
        s(8),
        n(9),
        s(10),
        s(11),
        s(12),
        Box::new(r.get::<_, DateTime<Utc>>(13)),
        s(14),
        s(15),
        Box::new(r.get::<_, Option<serde_json::Value>>(16)),
        s(17),
        s(18),
        o(19),
        o(20),
        o(21),
    ]
}

/// Every page of a device's stream from the start through `Store::pull`: (events, pages, seconds).
fn pull_all(store: &PgStore, device: &DeviceRow, limit: i64) -> Res<(usize, usize, f64)> {
    let t = Instant::now();
    let (mut cursor, mut events, mut pages) = (Cursor { after: 0, after_event: 0 }, 0, 0);
    loop {
        let page = store.pull(device, cursor, limit)?;
        events += page.events.len();
        pages += 1;
        cursor = page.next;
        if !page.more {
            break;
        }
    }
    Ok((events, pages, t.elapsed().as_secs_f64()))
}

/// A fresh replica file joined as `login` through the HTTP server, approved, and synced to the
/// end: (events received, seconds of the sync, file size in bytes).
fn replica(b: &mut Bench, name: &str, login: &str, password: &str) -> Res<(usize, f64, u64)> {
    let path = b.dir.join(format!("server-replica-{name}.db"));
    let key = taizhang_sync::key::key_path(&path);
    let clean = |p: &Path, key: &Path| {
        remove_db(p);
        let _ = std::fs::remove_file(key);
    };
    clean(&path, &key);
    let opts = JoinOptions {
        url: b.base_url.clone(),
        fingerprint: None,
        login: login.into(),
        password: password.into(),
        device_name: format!("bench {name}"),
    };
    let mut ledger = taizhang_sync::join(&path, &opts, b.now)?;
    b.store.decide_device(ledger.device_id(), true, "admin", b.now)?;
    let t = Instant::now();
    let summary = taizhang_sync::sync(&mut ledger, b.now, &mut |_| {})?;
    let s = t.elapsed().as_secs_f64();
    ledger.connection().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    let size = file_len(&path);
    drop(ledger);
    clean(&path, &key);
    Ok((summary.received, s, size))
}

/// Row 3: the township's first pull, through the store and through HTTP into a fresh replica.
fn township_rows(b: &mut Bench, devices: &[DeviceRow], town: &str, on_server: i64) -> Res<()> {
    let (user, login): (String, String) = b
        .admin
        .query(
            "SELECT id, login FROM users WHERE body::jsonb->>'role' = 'township' AND body::jsonb->>'unit_id' = $1 ORDER BY login",
            &[&town],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .find(|(id, _): &(String, String)| devices.iter().any(|d| d.user_id.as_ref() == Some(id)))
        .ok_or("no township official of the first registration's township has pushed")?;
    let device = devices.iter().find(|d| d.user_id.as_ref() == Some(&user)).ok_or("no device")?;
    if !b.passwords.contains(&user) {
        let hash = taizhang_server::store::office::password_hash(PASSWORD)?;
        b.store.execute(
            "admin",
            &[Command::SetPassword { user_id: user.clone(), password_hash: Some(hash) }],
            b.now,
        )?;
        b.passwords.push(user.clone());
    }
    let on_server = on_server + b.passwords.len() as i64;
    let (n, pages, s500) = pull_all(&b.store, device, DEFAULT_PAGE)?;
    let (n2, pages2, s1000) = pull_all(&b.store, device, MAX_PAGE)?;
    let (received, http, size) = replica(b, "township", &login, PASSWORD)?;
    if n != n2 {
        return Err(format!("the township's stream has {n} events at 500 a page and {n2} at 1,000").into());
    }
    b.facts.push(format!(
        "Server township pull: `{login}` (a township official of the load's first registration's township) with {} events on the server: its stream is {} events ({pages} pages of 500, {pages2} of 1,000); the replica received {} (its own device's stream, the same scope) into a {:.1} MB file.",
        thousands(on_server as f64),
        thousands(n as f64),
        thousands(received as f64),
        size as f64 / 1e6
    ));
    b.rows.push(
        row(
            &format!(
                "{PREFIX}: a township's first pull of {} events, server holding {} events (HTTP + `taizhang_sync` into a fresh replica file)",
                thousands(n as f64),
                thousands(on_server as f64)
            ),
            format!("{} ({} events/s)", secs(http), thousands(received as f64 / http)),
            format!("`Store::pull` alone: {} (500 a page), {} (1,000 a page)", secs(s500), secs(s1000)),
            format!("{:.0}% of it in the server's pull", 100.0 * s500 / http),
            "50,000 events < 10 s",
            (n as i64 <= TOWNSHIP_PULL * 12 / 10).then_some(http < 10.0),
        )
        .limited_by(TOWNSHIP_LIMIT),
    );
    Ok(())
}

const TOWNSHIP_LIMIT: &str = "the replica's ingest of each page (each event checked, stored with its outcome and folded on top, one transaction a page; ≈ 8,000 events/s), which now overlaps the server's next page: the pull fetches a page ahead, 1,000 at a time, and folds what it parsed instead of reading it back";

/// Row 4: the office's replica of the whole district from scratch, over HTTP.
fn office_row(b: &mut Bench, office: &DeviceRow) -> Res<()> {
    let (n, pages, pull) = pull_all(&b.store, office, DEFAULT_PAGE)?;
    let (received, s, size) = replica(b, "office", "admin", ADMIN_PASSWORD)?;
    b.facts.push(format!(
        "Server office replica: a new file joined as `admin` (office: every event), approved, then one `taizhang_sync::sync` over HTTP on loopback: {} events received in pages of {PULL_PAGE}; the server's side alone (`Store::pull` of the same stream, {pages} pages) took {}.",
        thousands(received as f64),
        secs(pull)
    ));
    b.rows.push(row(
        &format!(
            "{PREFIX}: a full office replica from scratch over HTTP, {} events (join, then one sync)",
            thousands(n as f64)
        ),
        format!("{} ({} events/s), file {:.0} MB", secs(s), thousands(received as f64 / s), size as f64 / 1e6),
        format!("`Store::pull` alone: {}", secs(pull)),
        "—".into(),
        "(none set)",
        None,
    ));
    Ok(())
}

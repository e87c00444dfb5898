//! A throw-away PostgreSQL 15 cluster for the server tests: `initdb` as the `postgres` user
//! (it refuses root) in a directory under the target dir, started on a free loopback port with
//! `fsync=off`, one database per test copied from a template holding a fresh district. A
//! watchdog stops the cluster and removes it when this test process exits. If PostgreSQL
//! cannot be started the tests fail loudly: they never skip.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use taizhang_server::PgStore;

pub const ADMIN_PASSWORD: &str = "admin-secret";

pub struct Cluster {
    pub port: u16,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

fn pg_bin(tool: &str) -> PathBuf {
    let dir =
        std::env::var_os("TAIZHANG_PG_BIN").map(PathBuf::from).unwrap_or_else(|| "/usr/lib/postgresql/15/bin".into());
    let p = dir.join(tool);
    assert!(
        p.exists(),
        "{} not found: install PostgreSQL 15 (scripts/install-deps.sh installs postgresql-15) or set TAIZHANG_PG_BIN",
        p.display()
    );
    p
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `tool args…`, as the postgres user when we are root.
fn pg(tool: &str) -> Command {
    let bin = pg_bin(tool);
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin);
        c
    } else {
        Command::new(bin)
    }
}

fn run(mut c: Command, what: &str, log: &Path) {
    let out = c.output().unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    if !out.status.success() {
        let tail = std::fs::read_to_string(log).unwrap_or_default();
        panic!(
            "{what} failed ({}):\n{}\n{}\nserver log:\n{tail}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free loopback port")
}

/// `base/pg-<pid>`, fresh, owned by the postgres user when we are root.
fn make_dir(base: &Path) -> PathBuf {
    let dir = base.join(format!("taizhang-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cluster directory {}: {e}", dir.display()));
    if is_root() {
        let ok = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status().is_ok_and(|s| s.success());
        assert!(ok, "chown postgres {} failed", dir.display());
    }
    dir
}

fn usable_by_postgres(dir: &Path) -> bool {
    !is_root()
        || Command::new("runuser")
            .args(["-u", "postgres", "--", "test", "-w"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success())
}

pub fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(|| {
        let mut dir = make_dir(Path::new(env!("CARGO_TARGET_TMPDIR")));
        if !usable_by_postgres(&dir) {
            // A checkout under a directory the postgres user cannot enter (root's home): the
            // cluster goes to the system's temporary directory instead.
            eprintln!("the postgres user cannot reach {}; the test cluster goes to the temp dir", dir.display());
            let _ = std::fs::remove_dir_all(&dir);
            dir = make_dir(&std::env::temp_dir());
            assert!(usable_by_postgres(&dir), "the postgres user cannot write {}", dir.display());
        }
        let data = dir.join("data");
        let log = dir.join("server.log");
        let mut init = pg("initdb");
        init.arg("-D").arg(&data).args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        run(init, "initdb", &log);
        let port = free_port();
        let mut start = pg("pg_ctl");
        start
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .arg("-o")
            .arg(format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", dir.display()))
            .args(["-w", "start"]);
        run(start, "pg_ctl start", &log);
        // Stop and remove the cluster when this process is gone, however the tests end.
        let as_pg = if is_root() { "runuser -u postgres -- " } else { "" };
        let watchdog = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {as_pg}'{pg_ctl}' -D '{data}' -m fast stop >/dev/null 2>&1; rm -rf '{dir}'",
            pid = std::process::id(),
            pg_ctl = pg_bin("pg_ctl").display(),
            data = data.display(),
            dir = dir.display()
        );
        // Left running on purpose: it outlives this process to stop the cluster.
        #[allow(clippy::zombie_processes)]
        Command::new("sh")
            .args(["-c", &watchdog])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the cluster's watchdog");
        let cluster = Cluster { port };
        // The template: a fresh district, copied for every test.
        admin_exec(&cluster, "CREATE DATABASE tmpl");
        drop(PgStore::init(&cluster.url("tmpl"), ADMIN_PASSWORD, t0()).expect("init of the template district"));
        cluster
    })
}

impl Cluster {
    pub fn url(&self, db: &str) -> String {
        format!("postgresql://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

fn admin_exec(c: &Cluster, sql: &str) {
    let mut client =
        postgres::Client::connect(&c.url("postgres"), postgres::NoTls).expect("connect to the test cluster");
    client.batch_execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A new database holding a fresh district; returns its URL.
pub fn fresh_db() -> String {
    let c = cluster();
    let name = format!("t_{}", NEXT_DB.fetch_add(1, Ordering::SeqCst));
    admin_exec(c, &format!("CREATE DATABASE {name} TEMPLATE tmpl"));
    c.url(&name)
}

/// An empty database (no schema), for `init` itself.
pub fn empty_db() -> String {
    let c = cluster();
    let name = format!("e_{}", NEXT_DB.fetch_add(1, Ordering::SeqCst));
    admin_exec(c, &format!("CREATE DATABASE {name}"));
    c.url(&name)
}

/// The fixed time of the fixture's office commands (a working Monday in the built-in calendar).
pub fn t0() -> DateTime<Utc> {
    "2026-03-02T02:00:00Z".parse().unwrap()
}

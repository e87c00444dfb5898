//! A throw-away PostgreSQL 15 cluster for the server tests (`taizhang_testsupport::pg`):
//! `initdb` as the `postgres` user (it refuses root) in a directory under the target dir,
//! started on a free loopback port with `fsync=off`, one database per test copied from a
//! template holding a fresh district. A watchdog stops the cluster and removes it when this
//! test process exits. If PostgreSQL cannot be started the tests fail loudly: they never skip.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use taizhang_server::PgStore;
use taizhang_testsupport::pg::PgCluster;

pub const ADMIN_PASSWORD: &str = "admin-secret";

pub struct Cluster {
    pub port: u16,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

pub fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(|| {
        let pg = PgCluster::start(Path::new(env!("CARGO_TARGET_TMPDIR"))).unwrap_or_else(|e| panic!("{e}"));
        // Stop and remove the cluster when this process is gone, however the tests end.
        pg.watchdog().unwrap_or_else(|e| panic!("{e}"));
        let port = pg.port;
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

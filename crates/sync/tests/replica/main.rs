//! Desktop replicas against a real district server: the server tests' throw-away PostgreSQL
//! cluster and district fixture (crates/server/tests/server), the server in-process on
//! loopback, and desktop ledger files joined to it through `taizhang-sync` (docs/sync.md).

#[path = "../../../server/tests/server/client.rs"]
#[allow(dead_code)]
mod client;
#[path = "../../../server/tests/server/cluster.rs"]
#[allow(dead_code)]
mod cluster;
#[path = "../../../server/tests/server/fixture.rs"]
#[allow(dead_code)]
mod fixture;

mod attachments;
mod bundles;
mod busy;
mod clocks;
mod desk;
mod flows;
mod monitoring;
mod proxy;
mod simulation;

/// Counts rows on the district's database as the cluster's superuser.
pub fn count(url: &str, q: &str) -> i64 {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.query_one(q, &[]).unwrap().get(0)
}

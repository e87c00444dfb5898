//! The district server on a real PostgreSQL 15 (a throw-away cluster this binary starts):
//! storage guarantees, devices, push, pull. See cluster.rs for how the cluster is run.

mod batch;
mod cli;
mod client;
mod cluster;
mod documents;
mod fixture;
mod ingest;
mod kill;
mod matrix;
mod pull;
mod store;
mod tls;

use chrono::NaiveDate;
use taizhang_core::*;

/// A visit `t1` can record about `e1`: a harmless event for chain and ordering tests.
pub fn visit(d: &fixture::District) -> EventBody {
    EventBody::VisitRecorded {
        visit: Visit {
            id: taizhang_server::store::office::new_id(cluster::t0()),
            enterprise_id: d.e1.clone(),
            township_id: d.t1.clone(),
            date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            visitors: "张三".into(),
            form: VisitForm::OnSite,
            notes: String::new(),
        },
    }
}

/// Runs SQL on the district's database as the cluster's superuser.
pub fn sql(url: &str, q: &str) -> Result<u64, postgres::Error> {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.execute(q, &[])
}

pub fn count(url: &str, q: &str) -> i64 {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.query_one(q, &[]).unwrap().get(0)
}

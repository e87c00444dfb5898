//! Schema migrations: the SQL files of `crates/server/migrations/`, applied in order, each in
//! its own transaction with its row in `schema_migrations`, so a half-applied step is
//! impossible and a database from a newer server is refused.

use postgres::Client;

use crate::error::{Result, ServerError};

/// (version, name, SQL), in order. Appending a file here is how the schema changes; an
/// applied file is never edited.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "schema", include_str!("../../migrations/0001_schema.sql")),
    (2, "append_only", include_str!("../../migrations/0002_append_only.sql")),
    (3, "parked", include_str!("../../migrations/0003_parked.sql")),
    (4, "indexes", include_str!("../../migrations/0004_indexes.sql")),
    (5, "monitoring", include_str!("../../migrations/0005_monitoring.sql")),
    (6, "deliveries", include_str!("../../migrations/0006_deliveries.sql")),
    (7, "problem_number", include_str!("../../migrations/0007_problem_number.sql")),
    (8, "documents", include_str!("../../migrations/0008_documents.sql")),
    (9, "attachments", include_str!("../../migrations/0009_attachments.sql")),
    (10, "events_device", include_str!("../../migrations/0010_events_device.sql")),
    (11, "bodies_text", include_str!("../../migrations/0011_bodies_text.sql")),
    (12, "events_enterprise", include_str!("../../migrations/0012_events_enterprise.sql")),
];

pub fn latest() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// Applies every migration not yet recorded; returns how many ran.
pub fn migrate(client: &mut Client) -> Result<usize> {
    client.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    )?;
    let current = applied_version(client)?;
    if current > latest() {
        return Err(ServerError::NotADistrict {
            reason: format!("schema version {current} is newer than {}", latest()),
        });
    }
    let mut ran = 0;
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        let mut tx = client.transaction()?;
        // Two `init`s at once: the second waits here and then finds the step recorded.
        tx.execute("SELECT pg_advisory_xact_lock(7242, 1)", &[])?;
        let done: bool =
            tx.query_one("SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)", &[version])?.get(0);
        if done {
            continue;
        }
        tx.batch_execute(sql)?;
        tx.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", &[version, name])?;
        tx.commit()?;
        ran += 1;
    }
    Ok(ran)
}

pub fn applied_version(client: &mut Client) -> Result<i32> {
    let exists: bool = client.query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])?.get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client.query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[])?.get(0))
}

/// Refuses a database this server cannot serve: no schema, or one from a newer server.
pub fn check(client: &mut Client) -> Result<()> {
    let v = applied_version(client)?;
    if v == 0 {
        return Err(ServerError::NotADistrict { reason: "no schema: run taizhang-server init".into() });
    }
    if v > latest() {
        return Err(ServerError::NotADistrict { reason: format!("schema version {v} is newer than {}", latest()) });
    }
    if v < latest() {
        return Err(ServerError::NotADistrict {
            reason: format!("schema version {v} is older: run taizhang-server init to migrate"),
        });
    }
    Ok(())
}

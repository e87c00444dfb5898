//! Parked events: a device's events that a bundle brought after a gap in its chain, kept until
//! the import that closes the gap pushes them again (docs/bundles.md).

use chrono::{DateTime, Utc};
use postgres::Client;

use super::ParkedEvents;
use crate::error::{Result, ServerError};
use crate::protocol::WireEvent;

pub fn park(c: &mut Client, device_id: &str, starts_at: i64, events: &[WireEvent], now: DateTime<Utc>) -> Result<()> {
    let json = serde_json::to_value(events).map_err(|e| ServerError::Internal(e.to_string()))?;
    c.execute(
        "INSERT INTO parked_events (device_id, starts_at, received_at, events) VALUES ($1, $2, $3, $4)",
        &[&device_id, &starts_at, &now, &json],
    )?;
    Ok(())
}

pub fn parked(c: &mut Client, device_id: &str) -> Result<Vec<ParkedEvents>> {
    c.query(
        "SELECT id, device_id, starts_at, events FROM parked_events WHERE device_id = $1 ORDER BY starts_at, id",
        &[&device_id],
    )?
    .iter()
    .map(|r| {
        Ok(ParkedEvents {
            id: r.get(0),
            device_id: r.get(1),
            starts_at: r.get(2),
            events: serde_json::from_value(r.get(3))
                .map_err(|e| ServerError::Internal(format!("parked events: {e}")))?,
        })
    })
    .collect()
}

pub fn unpark(c: &mut Client, id: i64) -> Result<()> {
    c.execute("DELETE FROM parked_events WHERE id = $1", &[&id])?;
    Ok(())
}

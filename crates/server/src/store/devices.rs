//! Devices: joining with a user's login and password, the office's approval and revocation.

use chrono::{DateTime, Utc};
use postgres::{Client, GenericClient, Row};
use taizhang_core::password::verify_password;
use taizhang_core::workflow::actor_may_act;
use taizhang_core::{Actor, Unit, User};

use super::reads::Reads;
use super::DeviceRow;
use crate::error::{Result, ServerError};
use crate::protocol::{DeviceReply, JoinRequest};
use crate::sign::public_key;
use postgres::types::Type;

const COLS: &str =
    "d.id, d.user_id, u.login, d.kind, d.name, d.key_alg, d.public_key, d.state, d.joined_at, d.decided_at,
                    d.decided_by, d.last_seq, d.last_hash";

fn row(r: &Row) -> DeviceRow {
    DeviceRow {
        id: r.get(0),
        user_id: r.get(1),
        login: r.get(2),
        kind: r.get(3),
        name: r.get(4),
        key_alg: r.get(5),
        public_key: r.get(6),
        state: r.get(7),
        joined_at: r.get(8),
        decided_at: r.get(9),
        decided_by: r.get(10),
        last_seq: r.get(11),
        last_hash: r.get(12),
    }
}

pub fn one<C: GenericClient>(c: &mut C, id: &str) -> Result<Option<DeviceRow>> {
    let sql = format!("SELECT {COLS} FROM devices d LEFT JOIN users u ON u.id = d.user_id WHERE d.id = $1");
    Ok(c.query_opt(&sql, &[&id])?.as_ref().map(row))
}

/// Asks for the device, as a part of a push's combined read (`from_read` takes its row).
pub fn ask(reads: &mut Reads, id: &str) {
    reads.add(
        "SELECT 'device', d.id, json_build_object('id', d.id, 'user_id', d.user_id, 'login', u.login, 'kind', d.kind,
             'name', d.name, 'key_alg', d.key_alg, 'public_key', d.public_key, 'state', d.state,
             'joined_at', d.joined_at, 'decided_at', d.decided_at, 'decided_by', d.decided_by,
             'last_seq', d.last_seq, 'last_hash', d.last_hash)::text
         FROM devices d LEFT JOIN users u ON u.id = d.user_id WHERE d.id = $1",
        vec![(Box::new(id.to_string()), Type::TEXT)],
    );
}

/// The device row of `ask`'s part.
pub fn from_read(value: &str) -> Result<DeviceRow> {
    serde_json::from_str(value).map_err(|e| ServerError::Internal(format!("stored device: {e}")))
}

pub fn all(c: &mut Client) -> Result<Vec<DeviceRow>> {
    let sql = format!("SELECT {COLS} FROM devices d LEFT JOIN users u ON u.id = d.user_id ORDER BY d.joined_at, d.id");
    Ok(c.query(&sql, &[])?.iter().map(row).collect())
}

/// A user with their unit, as the projections hold them: what `actor_may_act` asks about.
pub fn actor<C: GenericClient>(c: &mut C, user: User) -> Result<Actor> {
    let unit: Unit = c
        .query_opt("SELECT body FROM units WHERE id = $1", &[&user.unit_id])?
        .map(|r| super::body(&r, "unit"))
        .transpose()?
        .ok_or_else(|| ServerError::Internal(format!("user {} has no unit", user.login)))?;
    Ok(Actor { user, unit })
}

/// A device joins as a user: the password is checked like a sign-in on the desktop (the
/// core's argon2 check), the key is parsed, and the device waits for the office. Joining again
/// with the same user and key answers the device's current state; another key or user for a
/// known device id is refused.
pub fn join(c: &mut Client, req: &JoinRequest, now: DateTime<Utc>) -> Result<DeviceReply> {
    public_key(&req.key_alg, &req.public_key)?;
    if req.device_id.is_empty() || req.device_id.len() > 100 || req.name.chars().count() > 200 {
        return Err(ServerError::malformed("device_id must be 1 to 100 characters, name at most 200"));
    }
    let mut tx = c.transaction()?;
    let user: Option<User> = tx
        .query_opt("SELECT body FROM users WHERE login = $1", &[&req.login])?
        .map(|r| super::body(&r, "user"))
        .transpose()?;
    // One answer for an unknown login, a wrong password, no password, a deactivated user and a
    // user of a deactivated unit (the core's `actor_may_act`, as at the desktop's sign-in), so
    // the endpoint does not tell which logins exist.
    let user = user
        .filter(|u| u.password_hash.as_deref().is_some_and(|h| verify_password(h, &req.password)))
        .ok_or(ServerError::BadLogin)?;
    let user = actor(&mut tx, user)?;
    actor_may_act(&user).map_err(|_| ServerError::BadLogin)?;
    let user = user.user;
    tx.execute(
        "INSERT INTO devices (id, user_id, kind, name, key_alg, public_key, state, joined_at)
         VALUES ($1, $2, 'desktop', $3, $4, $5, 'pending', $6) ON CONFLICT (id) DO NOTHING",
        &[&req.device_id, &user.id, &req.name, &req.key_alg, &req.public_key, &now],
    )?;
    let d = one(&mut tx, &req.device_id)?.ok_or_else(|| ServerError::Internal("device just written".into()))?;
    if d.user_id.as_deref() != Some(user.id.as_str()) || d.public_key != req.public_key || d.key_alg != req.key_alg {
        return Err(ServerError::DeviceConflict { device: req.device_id.clone() });
    }
    tx.commit()?;
    Ok(d.reply())
}

/// Approves or revokes a desktop device. Revocation is final: a revoked device cannot be
/// approved again (it joins anew with a new key), and its later events are stored flagged.
pub fn decide(c: &mut Client, id: &str, approve: bool, by: &str, now: DateTime<Utc>) -> Result<DeviceRow> {
    let mut tx = c.transaction()?;
    let d = one(&mut tx, id)?.ok_or_else(|| ServerError::UnknownDevice { device: id.to_string() })?;
    if d.kind == "server" {
        return Err(ServerError::DeviceConflict { device: id.to_string() });
    }
    if approve && d.state == "revoked" {
        return Err(ServerError::DeviceRevoked { device: id.to_string() });
    }
    let state = if approve { "approved" } else { "revoked" };
    if d.state != state {
        tx.execute(
            "UPDATE devices SET state = $2, decided_at = $3, decided_by = $4 WHERE id = $1",
            &[&id, &state, &now, &by],
        )?;
    }
    let d = one(&mut tx, id)?.expect("still there");
    tx.commit()?;
    Ok(d)
}

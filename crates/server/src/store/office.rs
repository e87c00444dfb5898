//! The server's own device: the district's genesis at `init`, and the office's commands from
//! the server's CLI (`user`, `unit`), decided by the core and appended, signed and chained like
//! any device's events.

use chrono::{DateTime, Utc};
use postgres::{Client, GenericClient};
use taizhang_core::chain::{canonical_json, format_instant, GENESIS_HASH};
use taizhang_core::event::EVENT_SCHEMA_VERSION;
use taizhang_core::genesis::genesis_events;
use taizhang_core::password::hash_password_with_salt;
use taizhang_core::{Command, EventBody};

use super::append::{parse, Appender, Precheck};
use super::prepared::Prepared;
use super::projections::Carried;
use super::reads::Reads;
use super::world::actor;
use crate::error::{Result, ServerError};
use crate::protocol::{EventOutcome, WireEvent, ED25519};
use crate::sign::{sign_event, signing_key};

/// A UUIDv7 whose time part is `now` (ids sort by when the thing was made).
pub fn new_id(now: DateTime<Utc>) -> String {
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, now.timestamp().max(0) as u64, now.timestamp_subsec_nanos());
    uuid::Uuid::new_v7(ts).to_string()
}

/// The server's device: its id, key and chain head, read under the append lock.
struct ServerDevice {
    id: String,
    key: ed25519_dalek::SigningKey,
    last_seq: i64,
    last_hash: String,
}

fn server_device(tx: &mut impl GenericClient) -> Result<ServerDevice> {
    let r = tx
        .query_opt(
            "SELECT d.id, s.secret_key, d.last_seq, d.last_hash FROM server_identity s JOIN devices d ON d.id = s.device_id",
            &[],
        )?
        .ok_or_else(|| ServerError::NotADistrict { reason: "no genesis: run taizhang-server init".into() })?;
    let secret: [u8; 32] = hex::decode(r.get::<_, String>(1))
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| ServerError::Internal("the server key is damaged".into()))?;
    Ok(ServerDevice { id: r.get(0), key: signing_key(&secret), last_seq: r.get(2), last_hash: r.get(3) })
}

/// The server's device id and signing key: reply bundles are signed with it.
pub fn server_signer(c: &mut Client) -> Result<(String, ed25519_dalek::SigningKey)> {
    let mut tx = c.transaction()?;
    let d = server_device(&mut tx)?;
    tx.commit()?;
    Ok((d.id, d.key))
}

impl ServerDevice {
    /// The next link of the server device's chain, signed.
    fn event(&mut self, actor: &str, now: DateTime<Utc>, body: &EventBody) -> WireEvent {
        let (kind, payload) = body.to_parts();
        let mut ev = WireEvent {
            id: new_id(now),
            device_id: self.id.clone(),
            device_seq: self.last_seq + 1,
            prev_hash: self.last_hash.clone(),
            hash: String::new(),
            actor: actor.to_string(),
            occurred_at: format_instant(now),
            kind,
            schema_version: EVENT_SCHEMA_VERSION as i64,
            payload: canonical_json(&payload),
            sig_alg: String::new(),
            sig: String::new(),
        };
        sign_event(&self.key, &mut ev);
        self.last_seq = ev.device_seq;
        self.last_hash = ev.hash.clone();
        ev
    }
}

/// The district's genesis: the server's device and key, then the core's genesis events (office,
/// `admin` with `admin_password`, calendar, settings). Refused when the district has one.
/// The rule on admin's first password, also checked by `provision` before it creates anything.
pub fn check_admin_password(admin_password: &str) -> Result<()> {
    if admin_password.chars().count() < 6 {
        return Err(ServerError::Domain(taizhang_core::DomainError::invalid("password", "at least 6 characters")));
    }
    Ok(())
}

pub fn genesis(c: &mut Client, admin_password: &str, now: DateTime<Utc>) -> Result<()> {
    check_admin_password(admin_password)?;
    let mut prepared = Prepared::default();
    let mut appender = Appender::begin(c, &mut prepared, None, now)?;
    appender.read(Reads::default())?;
    let tx = appender.tx();
    let exists: bool = tx.query_one("SELECT EXISTS (SELECT 1 FROM server_identity)", &[])?.get(0);
    if exists {
        return Err(ServerError::AlreadyInitialized);
    }
    let secret: [u8; 32] = rand::random();
    let key = signing_key(&secret);
    let device_id = format!("server-{}", new_id(now));
    tx.execute(
        "INSERT INTO devices (id, user_id, kind, name, key_alg, public_key, state, joined_at, decided_at, decided_by)
         VALUES ($1, NULL, 'server', 'district server', $2, $3, 'approved', $4, $4, 'init')",
        &[&device_id, &ED25519, &hex::encode(key.verifying_key().to_bytes()), &now],
    )?;
    let ledger_id = new_id(now);
    tx.execute(
        "INSERT INTO server_identity (id, ledger_id, device_id, secret_key, created_at) VALUES (1, $1, $2, $3, $4)",
        &[&ledger_id, &device_id, &hex::encode(secret), &now],
    )?;
    let mut dev = ServerDevice { id: device_id, key, last_seq: 0, last_hash: GENESIS_HASH.to_string() };
    let (office_id, admin_id) = (new_id(now), new_id(now));
    let mut bodies = genesis_events(&ledger_id, &office_id, &admin_id);
    let salt: [u8; 16] = rand::random();
    let hash = hash_password_with_salt(admin_password, &salt).map_err(ServerError::Internal)?;
    bodies.push(EventBody::PasswordSet { user_id: admin_id.clone(), password_hash: Some(hash) });
    for body in &bodies {
        let ev = dev.event(&admin_id, now, body);
        appender.append(&ev, &parse(&ev), Precheck::Decided)?;
    }
    appender.commit()
}

/// Decides the commands as `login` against the district's state and appends their events from
/// the server's device, in one transaction: all or nothing.
pub fn execute(
    c: &mut Client,
    prepared: &mut Prepared,
    carried: &Carried,
    login: &str,
    cmds: &[Command],
    now: DateTime<Utc>,
) -> Result<Vec<EventOutcome>> {
    let mut appender = Appender::begin(c, prepared, Some(carried), now)?;
    appender.read(Reads::default())?;
    let mut dev = server_device(appender.tx())?;
    let who = actor(appender.tx(), login)?
        .ok_or_else(|| ServerError::Domain(taizhang_core::DomainError::not_found("user", login)))?;
    let mut out = Vec::new();
    for cmd in cmds {
        for body in &appender.decide(cmd, &who)? {
            let ev = dev.event(&who.user.id, now, body);
            out.push(appender.append(&ev, &parse(&ev), Precheck::Decided)?);
        }
    }
    appender.commit()?;
    Ok(out)
}

/// A password hash for `SetPassword`, with a salt drawn here (the core has no randomness).
pub fn password_hash(password: &str) -> Result<String> {
    if password.chars().count() < 6 {
        return Err(ServerError::Domain(taizhang_core::DomainError::invalid("password", "at least 6 characters")));
    }
    hash_password_with_salt(password, &rand::random()).map_err(ServerError::Internal)
}

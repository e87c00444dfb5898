//! `PgStore`: PostgreSQL through the `postgres` client (the blocking face of tokio-postgres),
//! called from the async handlers on blocking threads. The core's `World` is synchronous, so
//! deciding inside a transaction is plain code this way. A small pool keeps connections.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use postgres::{Client, NoTls};
use taizhang_core::Command;

use super::prepared::Prepared;
use super::*;
use crate::error::{Result, ServerError};

pub struct PgStore {
    url: String,
    /// Idle connections, each with the statements prepared on it.
    /// Idle connections with their prepared statements and when they were last given back.
    idle: Mutex<Vec<(Client, Prepared, Instant)>>,
    /// The server's device and key, read once (they never change after `init`).
    signer: std::sync::OnceLock<(String, SigningKey)>,
    /// The calendar and settings in force, between pushes.
    contexts: super::world::ContextCache,
    /// The projections as the last batch left them (`Carried`).
    carried: super::projections::Carried,
}

/// How long a connection given back to the pool is used again without asking whether it lives.
const TRUSTED_IDLE: Duration = Duration::from_secs(1);

/// A pooled connection; back to the pool when dropped, unless it broke.
pub struct Conn<'a> {
    store: &'a PgStore,
    client: Option<Client>,
    prepared: Prepared,
}

impl Conn<'_> {
    /// The connection and its prepared statements, for the appender.
    fn parts(&mut self) -> (&mut Client, &mut Prepared) {
        (self.client.as_mut().expect("held until drop"), &mut self.prepared)
    }
}

impl std::ops::Deref for Conn<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client.as_ref().expect("held until drop")
    }
}
impl std::ops::DerefMut for Conn<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client.as_mut().expect("held until drop")
    }
}
impl Drop for Conn<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.client.take() {
            if !c.is_closed() {
                if let Ok(mut idle) = self.store.idle.lock() {
                    if idle.len() < 16 {
                        idle.push((c, std::mem::take(&mut self.prepared), Instant::now()));
                    }
                }
            }
        }
    }
}

/// A connection acting as `taizhang_app` when it may: the role that has no UPDATE, DELETE or
/// TRUNCATE on the log.
pub fn connect(url: &str) -> Result<Client> {
    let mut c = Client::connect(url, NoTls)?;
    c.batch_execute(
        "DO $$ BEGIN
             IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'taizhang_app')
                AND pg_has_role(current_user, 'taizhang_app', 'MEMBER') THEN
                 SET ROLE taizhang_app;
             END IF;
         END $$;",
    )?;
    Ok(c)
}

impl PgStore {
    /// Opens a district that `init` made; refuses a database without the schema or from a
    /// newer server.
    pub fn open(url: &str) -> Result<PgStore> {
        let mut c = connect(url)?;
        schema::check(&mut c)?;
        let initialized: bool = c.query_one("SELECT EXISTS (SELECT 1 FROM server_identity)", &[])?.get(0);
        if !initialized {
            return Err(ServerError::NotADistrict { reason: "no genesis: run taizhang-server init".into() });
        }
        Ok(PgStore {
            url: url.to_string(),
            idle: Mutex::new(vec![(c, Prepared::default(), Instant::now())]),
            signer: std::sync::OnceLock::new(),
            contexts: Default::default(),
            carried: Default::default(),
        })
    }

    /// Creates the schema (or migrates it) and the district's genesis. Runs as whoever the URL
    /// names (the owner), not as the app role.
    pub fn init(url: &str, admin_password: &str, now: DateTime<Utc>) -> Result<PgStore> {
        let mut c = Client::connect(url, NoTls)?;
        PgStore::init_on(&mut c, admin_password, now)?;
        drop(c);
        PgStore::open(url)
    }

    /// Brings an initialized district's schema up to this server's version, as its owner (the
    /// URL's role, as `init`), and returns how many migrations ran. Refuses a database `init`
    /// never made: the schema alone, without the district's genesis, would serve nobody.
    pub fn migrate(url: &str) -> Result<usize> {
        let mut c = Client::connect(url, NoTls)?;
        if schema::applied_version(&mut c)? == 0 {
            return Err(ServerError::NotADistrict { reason: "no schema: run taizhang-server init".into() });
        }
        schema::migrate(&mut c)
    }

    /// `init` on a connection already made: the schema (or its migration) and the genesis,
    /// owned by the connection's current role (`provision` connects as the superuser and sets
    /// the owner's role first).
    pub fn init_on(c: &mut Client, admin_password: &str, now: DateTime<Utc>) -> Result<()> {
        schema::migrate(c)?;
        office::genesis(c, admin_password, now)
    }

    /// A connection from the pool, or a new one. A pooled connection is asked whether it still
    /// lives (one round trip): PostgreSQL may have ended it while it sat idle (a restart, an
    /// administrator's `pg_terminate_backend`, an idle timeout), and a request must not fail
    /// for a connection nobody was using.
    pub fn conn(&self) -> Result<Conn<'_>> {
        self.pooled(true)
    }

    /// A connection from the pool, asked whether it lives only when `ask` or when it sat idle
    /// for a while (`TRUSTED_IDLE`).
    fn pooled(&self, ask: bool) -> Result<Conn<'_>> {
        loop {
            let pooled = self.idle.lock().map_err(|_| ServerError::Internal("pool poisoned".into()))?.pop();
            let (client, prepared) = match pooled {
                Some((mut c, prepared, returned)) => {
                    let asked = ask || returned.elapsed() >= TRUSTED_IDLE;
                    if c.is_closed() || (asked && c.is_valid(Duration::from_secs(5)).is_err()) {
                        continue;
                    }
                    (c, prepared)
                }
                None => (connect(&self.url)?, Prepared::default()),
            };
            return Ok(Conn { store: self, client: Some(client), prepared });
        }
    }

    /// Runs `f` on a pooled connection not asked whether it lives if it was given back moments
    /// ago, and once more on a new connection if the first was found closed. On a busy server
    /// the question was one round trip more for every push, a fifth of its round trips; a
    /// connection ended while briefly idle fails at its first statement instead, and is
    /// replaced. Only for what may run twice with the same result: a push (whatever it
    /// committed, the same batch again gets the same reply) and a pull.
    fn retrying<T>(&self, f: impl Fn(&mut Conn<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.pooled(false)?;
        match f(&mut conn) {
            Err(_) if conn.is_closed() => {
                drop(conn);
                let mut fresh = Conn { store: self, client: Some(connect(&self.url)?), prepared: Prepared::default() };
                f(&mut fresh)
            }
            other => other,
        }
    }
}
impl Store for PgStore {
    fn device(&self, id: &str) -> Result<Option<DeviceRow>> {
        devices::one(&mut *self.conn()?, id)
    }
    fn devices(&self) -> Result<Vec<DeviceRow>> {
        devices::all(&mut *self.conn()?)
    }
    fn user(&self, id: &str) -> Result<Option<taizhang_core::User>> {
        let row = self.conn()?.query_opt("SELECT body FROM users WHERE id = $1", &[&id])?;
        row.map(|r| super::body(&r, "user")).transpose()
    }
    fn actor(&self, user_id: &str) -> Result<Option<taizhang_core::Actor>> {
        self.user(user_id)?.map(|u| devices::actor(&mut *self.conn()?, u)).transpose()
    }
    fn join(&self, req: &crate::protocol::JoinRequest, now: DateTime<Utc>) -> Result<crate::protocol::DeviceReply> {
        devices::join(&mut *self.conn()?, req, now)
    }
    fn decide_device(&self, id: &str, approve: bool, by: &str, now: DateTime<Utc>) -> Result<DeviceRow> {
        devices::decide(&mut *self.conn()?, id, approve, by, now)
    }
    fn push(
        &self,
        device: &DeviceRow,
        events: &[crate::protocol::WireEvent],
        now: DateTime<Utc>,
    ) -> Result<crate::protocol::PushReply> {
        self.retrying(|conn| {
            let (client, prepared) = conn.parts();
            push::push(client, prepared, &self.contexts, &self.carried, device, events, now)
        })
    }
    fn pull(
        &self,
        device: &DeviceRow,
        cursor: crate::protocol::Cursor,
        limit: i64,
    ) -> Result<crate::protocol::PullReply> {
        self.retrying(|conn| pull::pull(&mut *conn, device, cursor, limit))
    }
    fn missing_attachments(&self, sha256: &[String]) -> Result<Vec<String>> {
        super::attachments::missing(&mut *self.conn()?, sha256)
    }
    fn put_attachment(
        &self,
        device: &DeviceRow,
        file: &crate::protocol::AttachmentFile,
        now: DateTime<Utc>,
    ) -> Result<()> {
        super::attachments::upload(&mut *self.conn()?, device, file, now)
    }
    fn attachment(&self, device: &DeviceRow, sha256: &str) -> Result<crate::protocol::AttachmentFile> {
        super::attachments::download(&mut *self.conn()?, device, sha256)
    }
    fn verify(&self) -> Result<VerifyReport> {
        verify::verify(&mut *self.conn()?)
    }
    fn execute(&self, login: &str, cmds: &[Command], now: DateTime<Utc>) -> Result<Vec<crate::protocol::EventOutcome>> {
        let mut conn = self.conn()?;
        let (client, prepared) = conn.parts();
        office::execute(client, prepared, &self.carried, login, cmds, now)
    }
    fn server_signer(&self) -> Result<(String, SigningKey)> {
        if let Some(s) = self.signer.get() {
            return Ok(s.clone());
        }
        let s = office::server_signer(&mut *self.conn()?)?;
        Ok(self.signer.get_or_init(|| s).clone())
    }
    fn park(&self, device_id: &str, starts_at: i64, events: &[WireEvent], now: DateTime<Utc>) -> Result<()> {
        parked::park(&mut *self.conn()?, device_id, starts_at, events, now)
    }
    fn parked(&self, device_id: &str) -> Result<Vec<ParkedEvents>> {
        parked::parked(&mut *self.conn()?, device_id)
    }
    fn unpark(&self, id: i64) -> Result<()> {
        parked::unpark(&mut *self.conn()?, id)
    }
}

impl PgStore {
    /// The unit with this id or name.
    pub fn unit_id(&self, id_or_name: &str) -> Result<Option<String>> {
        Ok(self
            .conn()?
            .query_opt(
                "SELECT id FROM units WHERE id = $1 OR name = $1 ORDER BY (id = $1) DESC LIMIT 1",
                &[&id_or_name],
            )?
            .map(|r| r.get(0)))
    }

    /// The user with this login.
    pub fn user_id(&self, login: &str) -> Result<Option<String>> {
        Ok(self.conn()?.query_opt("SELECT id FROM users WHERE login = $1", &[&login])?.map(|r| r.get(0)))
    }
}

/// An event as it travels, from a row of `events` that has its wire columns (id, device_id,
/// device_seq, prev_hash, hash, actor, occurred_at, kind, schema_version, payload, sig_alg,
/// sig): one mapping for pull and verify.
pub(crate) fn wire_event(r: &postgres::Row) -> WireEvent {
    WireEvent {
        id: r.get("id"),
        device_id: r.get("device_id"),
        device_seq: r.get("device_seq"),
        prev_hash: r.get("prev_hash"),
        hash: r.get("hash"),
        actor: r.get("actor"),
        occurred_at: r.get("occurred_at"),
        kind: r.get("kind"),
        schema_version: r.get("schema_version"),
        payload: r.get("payload"),
        sig_alg: r.get("sig_alg"),
        sig: r.get("sig"),
    }
}

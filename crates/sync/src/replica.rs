//! What the CLI and the window call: join a server (a new replica file), sync (push the
//! outbox, then pull to the end), and the replica's status. A sync that fails leaves the file
//! as it was before the step that failed: each pushed batch's outcomes and each pulled page
//! are one transaction of the ledger.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;
use taizhang_ledger::{Joined, Ledger, LedgerError, ReplicaStatus};
use taizhang_protocol::sign::{public_key_hex, sign_event, SigningKey};
use taizhang_protocol::{DeviceDecision, DeviceListing, JoinRequest, PullReply, ED25519, MAX_BATCH, MAX_PAGE};
use taizhang_tls::Fingerprint;

use crate::client::{Client, Signer};
use crate::error::{Result, SyncError};
use crate::key;

/// How to reach the server.
#[derive(Debug, Clone, Default)]
pub struct JoinOptions {
    pub url: String,
    /// The SHA-256 of the server's certificate, as the office hands it out.
    pub fingerprint: Option<String>,
    pub login: String,
    pub password: String,
    /// A name for this desktop in the office's device list.
    pub device_name: String,
}

/// Where a sync is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncProgress {
    Pushing { done: usize, total: usize },
    Pulling { received: usize, position: i64, high_water: i64 },
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncSummary {
    pub pushed: usize,
    pub applied: usize,
    pub no_effect: usize,
    pub refused: usize,
    /// Events new to this file.
    pub received: usize,
    /// This device's events whose outcome came with the pull (a push whose reply was lost).
    pub settled: usize,
    #[ts(type = "number")]
    pub pending: i64,
    #[ts(type = "number")]
    pub high_water: i64,
    pub device_state: String,
}

fn parse_pin(fingerprint: Option<&str>) -> Result<Option<Fingerprint>> {
    fingerprint.map(|f| f.parse::<Fingerprint>().map_err(SyncError::Tls)).transpose()
}

/// Registers this desktop with the server and makes `path` a new replica ledger (the file must
/// not exist or be empty; the district's history comes with the first sync, once the office
/// has approved the device). The device key is written beside it (0600). On any failure
/// neither the file nor the key is left behind.
pub fn join(path: &Path, opts: &JoinOptions, now: DateTime<Utc>) -> Result<Ledger> {
    if path.exists() && std::fs::metadata(path).map_err(LedgerError::from)?.len() > 0 {
        return Err(LedgerError::ReplicaNotFresh { path: path.display().to_string() }.into());
    }
    let pin = parse_pin(opts.fingerprint.as_deref())?;
    let client = Client::new(&opts.url, pin.as_ref())?;
    let key_file = key::key_path(path);
    let device_id = uuid::Uuid::now_v7().to_string();
    let signing = key::create(&key_file)?;
    let result = (|| -> Result<Ledger> {
        let reply = client.join(&JoinRequest {
            login: opts.login.clone(),
            password: opts.password.clone(),
            device_id: device_id.clone(),
            key_alg: ED25519.into(),
            public_key: public_key_hex(&signing),
            name: opts.device_name.clone(),
        })?;
        let joined = Joined {
            device_id: reply.device_id.clone(),
            server_url: client.url().to_string(),
            fingerprint: pin.map(|p| p.to_string()),
            user_id: reply.user_id.clone(),
            login: opts.login.clone(),
            key_file: key_file.display().to_string(),
            device_state: reply.state.clone(),
        };
        let mut ledger = Ledger::create_replica(path, &joined, now)?;
        if !reply.server_key.is_empty() {
            ledger.learn_server_key(&reply.server_device, &reply.server_key)?;
        }
        Ok(ledger)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&key_file);
        if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) && Ledger::open(path).is_ok_and(|l| l.replica().is_err())
        {
            for side in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{side}", path.display()));
            }
        }
    }
    result
}

/// The client, key and device id of a replica.
fn connect(ledger: &Ledger) -> Result<(Client, SigningKey, String)> {
    let info = ledger.replica()?;
    let pin = parse_pin(info.fingerprint.as_deref())?;
    let client = Client::new(&info.server_url, pin.as_ref())?;
    let key = key::load(Path::new(&info.key_file))?;
    Ok((client, key, info.device_id))
}

/// The district's desktops, as the server lists them to the office. The request is this
/// replica's, signed by its device: the server answers only an approved office device.
pub fn server_devices(ledger: &Ledger) -> Result<Vec<DeviceListing>> {
    let (client, key, device_id) = connect(ledger)?;
    client.devices(&Signer { device_id: &device_id, key: &key })
}

/// Approves (`approve`) or revokes a desktop on the server, as the office, from this replica.
pub fn decide_device(ledger: &Ledger, device: &str, approve: bool) -> Result<DeviceListing> {
    let (client, key, device_id) = connect(ledger)?;
    let decision = DeviceDecision { device_id: device.to_string(), approve };
    client.decide_device(&Signer { device_id: &device_id, key: &key }, &decision)
}

/// Push then pull, to the end. `client` is normally `None` (the replica's own server);
/// tests pass one that pretends to be another client.
pub fn sync(ledger: &mut Ledger, now: DateTime<Utc>, progress: &mut dyn FnMut(SyncProgress)) -> Result<SyncSummary> {
    let (client, key, _) = connect(ledger)?;
    sync_with(ledger, &client, &key, now, progress)
}

pub fn sync_with(
    ledger: &mut Ledger,
    client: &Client,
    key: &SigningKey,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<SyncSummary> {
    let device_id = ledger.device_id().to_string();
    let who = Signer { device_id: &device_id, key };
    let device = client.device(&who)?;
    if !device.server_key.is_empty() {
        ledger.learn_server_key(&device.server_device, &device.server_key)?;
    }
    if device.state != ledger.replica()?.device_state {
        ledger.set_device_state(&device.state)?;
    }
    let mut summary = SyncSummary { device_state: device.state.clone(), ..Default::default() };
    if device.state == "pending" {
        return Err(SyncError::Server {
            code: "sync.device_pending".into(),
            message: format!("device {device_id} is waiting for the office's approval"),
            fields: serde_json::json!({ "device": device_id }),
        });
    }
    // Push: the outbox in device order, a batch at a time.
    let total = ledger.pending_count()? as usize;
    loop {
        let mut batch = ledger.pending_events(MAX_BATCH)?;
        if batch.is_empty() {
            break;
        }
        for e in &mut batch {
            sign_event(key, e);
        }
        upload_attachments(ledger, client, &who, &batch)?;
        let reply = client.push(&who, &batch)?;
        let record = ledger.record_push_outcomes(&reply.outcomes)?;
        summary.pushed += reply.outcomes.len();
        summary.applied += record.applied;
        summary.no_effect += record.no_effect;
        summary.refused += record.refused;
        progress(SyncProgress::Pushing { done: summary.pushed, total });
        if let Some(stop) = reply.stopped {
            return Err(SyncError::PushStopped { device_seq: stop.device_seq, reason_code: stop.code });
        }
        if reply.outcomes.is_empty() {
            return Err(SyncError::BadReply { reason: "the server settled none of the events pushed".into() });
        }
    }
    // A revoked device may push (its events are stored flagged) but not pull.
    if device.state == "approved" {
        pull_to_end(ledger, client, &who, &mut summary, progress)?;
        fetch_attachments(ledger, client, &who)?;
    }
    // Reply bundles parked for a gap this pull may have closed (docs/bundles.md).
    crate::bundle::apply_parked(ledger)?;
    ledger.record_sync(now)?;
    summary.pending = ledger.pending_count()?;
    Ok(summary)
}

/// The hashes of the files an event names (none when its payload does not read).
pub(crate) fn named_files(e: &taizhang_protocol::WireEvent) -> Vec<String> {
    serde_json::from_str(&e.payload)
        .ok()
        .and_then(|v| taizhang_core::EventBody::from_parts(&e.kind, v).ok())
        .map(|b| b.attachments().iter().map(|a| a.sha256.clone()).collect())
        .unwrap_or_default()
}

/// The files the batch names that the server lacks, uploaded before the batch is pushed (the
/// server stops a push at an event naming a file it does not hold: docs/attachments.md).
fn upload_attachments(
    ledger: &Ledger,
    client: &Client,
    who: &Signer<'_>,
    batch: &[taizhang_protocol::WireEvent],
) -> Result<()> {
    let mut named: Vec<String> = batch.iter().flat_map(named_files).collect();
    named.sort();
    named.dedup();
    if named.is_empty() {
        return Ok(());
    }
    for sha256 in client.missing_attachments(who, named)? {
        // A file this desk does not hold cannot be sent: the push stops at its event and
        // `verify` names it missing here.
        if let Some(file) = ledger.attachment(&sha256)? {
            client.upload_attachment(who, &sha256, &file.media_type, &file.bytes)?;
        }
    }
    Ok(())
}

/// The files the events pulled name that this desk does not hold yet, each fetched and kept
/// when its bytes hash to its name. One the server does not give (lost there, or not visible
/// to this unit) stays missing and `verify` says so; the sync goes on.
fn fetch_attachments(ledger: &Ledger, client: &Client, who: &Signer<'_>) -> Result<()> {
    for sha256 in ledger.unheld_attachments()? {
        match client.download_attachment(who, &sha256) {
            Ok(bytes) => ledger.store_fetched_attachment(&sha256, bytes)?,
            Err(SyncError::Server { code, .. }) if code == "attachment.not_on_server" => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Events a pull asks for at a time: the most the server gives, so a first pull of a
/// township's 50,000 events is 50 requests.
pub const PULL_PAGE: i64 = MAX_PAGE;

/// Pulls to the end of the stream. The next page is fetched while the last one is stored:
/// a page's cursor is the server's, so the request for page n+1 need not wait for page n's
/// transaction, and a first pull takes about as long as the slower of the server and this
/// file instead of both (docs/benchmarks.md). Pages are stored strictly in order, each with
/// its cursor in one transaction, so a failure anywhere leaves the file at the last page
/// stored; a page fetched ahead and not stored is simply asked for again next time.
fn pull_to_end(
    ledger: &mut Ledger,
    client: &Client,
    who: &Signer<'_>,
    summary: &mut SyncSummary,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<()> {
    let start = ledger.pull_cursor()?;
    std::thread::scope(|scope| {
        // One page waiting beside the one being stored: enough to hide a request's time,
        // little memory (a page is at most MAX_PAGE events).
        let (pages, fetched) = std::sync::mpsc::sync_channel::<Result<PullReply>>(1);
        scope.spawn(move || {
            let mut cursor = start;
            loop {
                let page = client.pull(who, cursor, PULL_PAGE);
                let next = match &page {
                    Ok(p) if p.more => Some(p.next),
                    _ => None,
                };
                // The storing side has stopped (a failure) or this was the last page.
                if pages.send(page).is_err() {
                    break;
                }
                match next {
                    Some(n) if (n.after, n.after_event) > (cursor.after, cursor.after_event) => cursor = n,
                    // The end, an error, or a cursor that did not move on (refused below).
                    _ => break,
                }
            }
        });
        let mut cursor = start;
        for page in fetched {
            let page = page?;
            if (page.next.after, page.next.after_event) < (cursor.after, cursor.after_event) {
                return Err(SyncError::BadReply { reason: "the pull cursor went back".into() });
            }
            let got = ledger.ingest_pulled(&page.events, page.next, page.high_water)?;
            summary.received += got.received;
            summary.settled += got.settled;
            summary.high_water = page.high_water;
            let stalled = page.more && page.next == cursor;
            cursor = page.next;
            progress(SyncProgress::Pulling {
                received: summary.received,
                position: cursor.after,
                high_water: page.high_water,
            });
            if !page.more {
                return Ok(());
            }
            if stalled {
                return Err(SyncError::BadReply { reason: "the pull cursor did not move on".into() });
            }
        }
        Ok(())
    })
}

/// The replica's state as this file knows it (no network).
pub fn status(ledger: &Ledger) -> Result<ReplicaStatus> {
    Ok(ledger.replica_status()?)
}

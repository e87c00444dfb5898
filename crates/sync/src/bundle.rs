//! Bundles on the desk (docs/bundles.md): `export` writes the outbox as the pushes a sync would
//! send, signed by the device; `import` takes the server's reply and does what a sync does with
//! the same replies, through the same ledger calls (`record_push_outcomes`, `ingest_pulled`).
//!
//! Pages already held are skipped, so a reply imported twice, or an older one after a newer,
//! changes nothing. A reply whose pages continue from a position this file has not reached is
//! parked in the file (its outcomes are recorded at once) and applied by the import or sync
//! that closes the gap.

use std::path::Path;

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Serialize;
use taizhang_bundle::{Bundle, BundleError, Direction, Gap, Part, Signer};
use taizhang_core::chain::format_instant;
use taizhang_ledger::{check_output_target, Ledger, OutputTarget};
use taizhang_protocol::sign::{public_key, sign_event};
use taizhang_protocol::{AttachmentFile, Cursor, PushRequest, Stop, ED25519, MAX_BATCH};

use crate::error::{Result, SyncError};
use crate::key;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BundleExport {
    pub path: String,
    /// Pending events carried (all of them, in device order).
    pub events: usize,
    /// The pull position the server's reply will continue from.
    #[ts(type = "number")]
    pub from: i64,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BundleImport {
    pub applied: usize,
    pub no_effect: usize,
    pub refused: usize,
    /// Events new to this file, and pending ones the pages settled.
    pub received: usize,
    pub settled: usize,
    /// Pages skipped because this file already held them.
    pub pages_known: usize,
    /// The reply was parked: its pages continue from a position not yet reached.
    pub parked: bool,
    /// Parked replies an earlier import left that this one applied.
    pub unparked: usize,
    /// The server parked this desk's events after a gap in its chain.
    #[ts(type = "{ held_to: number, starts_at: number } | null")]
    pub server_gap: Option<Gap>,
    /// A push the server stopped (a fork, a bad signature): the code and where.
    pub stopped: Option<String>,
    #[ts(type = "number")]
    pub pending: i64,
    pub device_state: String,
}

/// Writes this replica's pending events, signed, to `out` (`replace`: an existing bundle or
/// other regular file there may be replaced; never a ledger). The file is not changed.
pub fn export(ledger: &Ledger, out: &Path, replace: bool, now: DateTime<Utc>) -> Result<BundleExport> {
    let info = ledger.replica()?;
    check_output_target(OutputTarget { path: out, overwrite: replace }, ledger.path())?;
    let key = key::load(Path::new(&info.key_file))?;
    let mut events = ledger.pending_events(i64::MAX as usize)?;
    for e in &mut events {
        sign_event(&key, e);
    }
    let from = Cursor { after: info.cursor_after, after_event: info.cursor_after_event };
    let mut parts = vec![Part::Cursor(from)];
    // The files the events name go first: the server stores them before it pushes the events.
    let mut named: Vec<String> = events.iter().flat_map(crate::replica::named_files).collect();
    named.sort();
    named.dedup();
    for sha256 in named {
        if let Some(file) = ledger.attachment(&sha256)? {
            let data = base64::engine::general_purpose::STANDARD.encode(&file.bytes);
            parts.push(Part::File(AttachmentFile { sha256, media_type: file.media_type, data }));
        }
    }
    parts.extend(events.chunks(MAX_BATCH).map(|c| Part::Push(PushRequest { events: c.to_vec() })));
    let mut bundle = Bundle::new(Direction::ToServer, &info.device_id, &format_instant(now), parts);
    bundle.sign(Signer::Device(info.device_id.clone()), &key);
    taizhang_bundle::write(&bundle, out)?;
    Ok(BundleExport { path: out.display().to_string(), events: events.len(), from: from.after })
}

/// Applies the server's reply bundle at `path`: checked against the server's key this replica
/// learned, then recorded as a sync records the same replies.
pub fn import(ledger: &mut Ledger, path: &Path, now: DateTime<Utc>) -> Result<BundleImport> {
    let bundle = read_reply(ledger, path)?;
    let mut summary = BundleImport::default();
    match apply(ledger, &bundle, &mut summary)? {
        Some(from) => {
            let bytes = std::fs::read(path).map_err(|e| bundle_io(path, e))?;
            ledger.park_bundle(from, &bytes, now)?;
            summary.parked = true;
        }
        None => {
            if bundle.parts.iter().any(|p| matches!(p, Part::Pull { .. })) {
                ledger.record_sync(now)?;
            }
        }
    }
    summary.unparked = apply_parked(ledger)?;
    summary.pending = ledger.pending_count()?;
    summary.device_state = ledger.replica()?.device_state;
    Ok(summary)
}

fn bundle_io(path: &Path, e: impl std::fmt::Display) -> SyncError {
    SyncError::Bundle(BundleError::Io { path: path.display().to_string(), reason: e.to_string() })
}

/// A reply bundle for this desk, signed by the server this replica knows.
fn read_reply(ledger: &Ledger, path: &Path) -> Result<Bundle> {
    let shown = path.display().to_string();
    let info = ledger.replica()?;
    let bundle = taizhang_bundle::read(path)?;
    bundle.expect_direction(Direction::ToDesk, &shown)?;
    if bundle.device_id != info.device_id {
        return Err(BundleError::WrongDevice { path: shown, expected: info.device_id, found: bundle.device_id }.into());
    }
    let (Some(server), Some(key)) = (info.server_device, info.server_key) else {
        return Err(BundleError::ServerKeyUnknown { path: shown }.into());
    };
    let key = public_key(ED25519, &key).map_err(|e| SyncError::BadReply { reason: e.to_string() })?;
    bundle.check_signature(&Signer::Server(server), &key, &shown)?;
    Ok(bundle)
}

/// Whether the pull position `c` is at or before `reached`.
fn at_or_before(c: Cursor, reached: Cursor) -> bool {
    (c.after, c.after_event) <= (reached.after, reached.after_event)
}

/// Records the reply's device state and outcomes and ingests its pages in order. Returns the
/// position of the first page that continues beyond this file's cursor (a gap), if any.
fn apply(ledger: &mut Ledger, bundle: &Bundle, s: &mut BundleImport) -> Result<Option<Cursor>> {
    for part in &bundle.parts {
        match part {
            Part::Device(d) => {
                if !d.server_key.is_empty() {
                    ledger.learn_server_key(&d.server_device, &d.server_key)?;
                }
                if d.state != ledger.replica()?.device_state {
                    ledger.set_device_state(&d.state)?;
                }
            }
            Part::PushReply(r) => {
                let rec = ledger.record_push_outcomes(&r.outcomes)?;
                s.applied += rec.applied;
                s.no_effect += rec.no_effect;
                s.refused += rec.refused;
                if let Some(Stop { code, device_seq, .. }) = &r.stopped {
                    if code != "sync.chain_gap" {
                        s.stopped = Some(format!("{code} @{device_seq}"));
                    }
                }
            }
            Part::Parked(g) => s.server_gap = Some(g.clone()),
            Part::Pull { from, page } => {
                let reached = ledger.pull_cursor()?;
                if at_or_before(page.next, reached) {
                    s.pages_known += usize::from(!page.events.is_empty());
                } else if at_or_before(*from, reached) {
                    let got = ledger.ingest_pulled(&page.events, page.next, page.high_water)?;
                    s.received += got.received;
                    s.settled += got.settled;
                } else {
                    return Ok(Some(*from));
                }
            }
            // Kept only when the bytes hash to the name (`store_fetched_attachment`).
            Part::File(f) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(&f.data)
                    .map_err(|e| SyncError::BadReply { reason: format!("attachment data: {e}") })?;
                ledger.store_fetched_attachment(&f.sha256, bytes)?;
            }
            Part::Cursor(_) | Part::Push(_) => {
                return Err(BundleError::Malformed {
                    path: String::new(),
                    reason: format!("a {} part in a reply", part.kind()),
                }
                .into())
            }
        }
    }
    Ok(None)
}

/// Applies parked replies whose gap has closed, earliest first; returns how many. A parked
/// reply overtaken by later pulls applies as pages already held and is dropped.
pub fn apply_parked(ledger: &mut Ledger) -> Result<usize> {
    let mut done = 0;
    for p in ledger.parked_bundles()? {
        if !at_or_before(p.from, ledger.pull_cursor()?) {
            break;
        }
        let tmp = std::env::temp_dir().join(format!("taizhang-parked-{}-{}.tzb", std::process::id(), p.id));
        std::fs::write(&tmp, &p.body).map_err(|e| bundle_io(&tmp, e))?;
        let bundle = read_reply(ledger, &tmp);
        let _ = std::fs::remove_file(&tmp);
        let mut ignored = BundleImport::default();
        if apply(ledger, &bundle?, &mut ignored)?.is_none() {
            ledger.unpark_bundle(p.id)?;
            done += 1;
        }
    }
    Ok(done)
}

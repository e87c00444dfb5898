//! `taizhang-server bundle import`: a desk's bundle (docs/bundles.md) ingested exactly as its
//! pushes would be (`Store::push`, batch by batch, each one transaction), and a reply bundle
//! holding what the desk would have heard over the network: its device with the server's key,
//! each push's reply, and every page a pull from the desk's cursor brings, signed by the
//! server's device. Events after a gap in the device's chain are parked, never decided out of
//! order, and pushed by the import that closes the gap.
//!
//! Importing the same bundle again stores nothing twice (a push is idempotent) and writes the
//! same outcomes; an import cut off part-way leaves whole batches, and importing the bundle
//! again completes it.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;
use taizhang_bundle::{Bundle, BundleError, Direction, Gap, Part, Signer};
use taizhang_core::chain::format_instant;

use crate::error::{Result, ServerError};
use crate::protocol::{AttachmentFile, Cursor, PushReply, Stop, WireEvent, MAX_BATCH, MAX_PAGE};
use crate::sign::public_key;
use crate::store::{with_server_key, DeviceRow, Store};

/// What an import did, for the office's terminal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub device_id: String,
    pub device_state: String,
    /// Events the bundle carried.
    pub events: usize,
    /// Outcomes of the events pushed by this import (the bundle's and any unparked).
    pub applied: usize,
    pub no_effect: usize,
    pub refused: usize,
    /// Events of earlier bundles, parked after a gap, that this import stored.
    pub unparked: usize,
    /// Where the device's chain on the server stops short of events still parked.
    pub gap: Option<Gap>,
    /// Where a push stopped for another reason than a gap (a fork, a bad event signature…).
    pub stopped: Option<Stop>,
    /// What the reply carries back: pulled pages and their events.
    pub pages: usize,
    pub pulled: usize,
}

/// Ingests the bundle at `input` and writes the reply bundle to `reply`.
pub fn import(store: &dyn Store, input: &Path, reply: &Path, now: DateTime<Utc>) -> Result<Imported> {
    let shown = input.display().to_string();
    let bundle = taizhang_bundle::read(input)?;
    bundle.expect_direction(Direction::ToServer, &shown)?;
    let device = store
        .device(&bundle.device_id)?
        .filter(|d| d.kind == "desktop")
        .ok_or_else(|| ServerError::UnknownDevice { device: bundle.device_id.clone() })?;
    let key = public_key(&device.key_alg, &device.public_key)?;
    bundle.check_signature(&Signer::Device(device.id.clone()), &key, &shown)?;
    let (cursor, events, files) = contents(&bundle, &shown)?;

    let mut out = Imported { device_id: device.id.clone(), events: events.len(), ..Default::default() };
    let mut replies = Vec::new();
    if device.state != "pending" {
        // The files first, as a network sync uploads them before its push (docs/attachments.md).
        for f in &files {
            store.put_attachment(&device, f, now)?;
        }
        push_in_order(store, &device, &events, now, &mut out, &mut replies)?;
        unpark(store, &device, now, &mut out, &mut replies)?;
    }
    let device = store.device(&device.id)?.ok_or_else(|| ServerError::Internal("device vanished".into()))?;
    out.device_state = device.state.clone();

    let mut parts = vec![Part::Device(with_server_key(store, device.reply())?)];
    parts.extend(replies.into_iter().map(Part::PushReply));
    if let Some(g) = &out.gap {
        parts.push(Part::Parked(g.clone()));
    }
    // The files the pages name that the desk's unit may see, after the pages.
    let mut files_back = Vec::new();
    let mut sent = std::collections::BTreeSet::new();
    if device.state == "approved" {
        let mut from = cursor;
        loop {
            let page = store.pull(&device, from, MAX_PAGE)?;
            let (next, more) = (page.next, page.more);
            out.pages += 1;
            out.pulled += page.events.len();
            for sha256 in page.events.iter().flat_map(|p| crate::store::attachments::named(&p.event)).map(|a| a.sha256)
            {
                if sent.insert(sha256.clone()) {
                    match store.attachment(&device, &sha256) {
                        Ok(f) => files_back.push(Part::File(f)),
                        Err(ServerError::AttachmentNotFound { .. }) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            parts.push(Part::Pull { from, page });
            if !more {
                break;
            }
            from = next;
        }
    }
    parts.extend(files_back);
    let (server_device, server_key) = store.server_signer()?;
    let mut answer = Bundle::new(Direction::ToDesk, &device.id, &format_instant(now), parts);
    answer.sign(Signer::Server(server_device), &server_key);
    taizhang_bundle::write(&answer, reply)?;
    Ok(out)
}

/// The desk's pull position, its events in the order the bundle carries them, and the files
/// they name.
fn contents(bundle: &Bundle, shown: &str) -> Result<(Cursor, Vec<WireEvent>, Vec<AttachmentFile>)> {
    let mut cursor = Cursor::default();
    let mut events = Vec::new();
    let mut files = Vec::new();
    for p in &bundle.parts {
        match p {
            Part::Cursor(c) => cursor = *c,
            Part::Push(req) => events.extend(req.events.iter().cloned()),
            Part::File(f) => files.push(f.clone()),
            other => {
                return Err(BundleError::Malformed {
                    path: shown.to_string(),
                    reason: format!("a {} part in a bundle to the server", other.kind()),
                }
                .into())
            }
        }
    }
    Ok((cursor, events, files))
}

/// Pushes `events` in batches; at a gap in the device's chain, parks the rest.
fn push_in_order(
    store: &dyn Store,
    device: &DeviceRow,
    events: &[WireEvent],
    now: DateTime<Utc>,
    out: &mut Imported,
    replies: &mut Vec<PushReply>,
) -> Result<bool> {
    let mut offset = 0;
    while offset < events.len() {
        let batch = &events[offset..(offset + MAX_BATCH).min(events.len())];
        let reply = store.push(device, batch, now)?;
        for o in &reply.outcomes {
            match o.outcome.as_str() {
                "applied" => out.applied += 1,
                "no_effect" => out.no_effect += 1,
                _ => out.refused += 1,
            }
        }
        let stop = reply.stopped.clone();
        replies.push(reply);
        match stop {
            None => offset += batch.len(),
            Some(s) if s.code == "sync.chain_gap" => {
                let rest = &events[offset + s.index..];
                store.park(&device.id, s.device_seq, rest, now)?;
                return Ok(false);
            }
            Some(s) => {
                out.stopped = Some(s);
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Pushes parked events whose gap has closed, earliest first, until none can go; then says
/// where the chain stops short of what is still parked.
fn unpark(
    store: &dyn Store,
    device: &DeviceRow,
    now: DateTime<Utc>,
    out: &mut Imported,
    replies: &mut Vec<PushReply>,
) -> Result<()> {
    loop {
        let current = store.device(&device.id)?.ok_or_else(|| ServerError::Internal("device vanished".into()))?;
        let parked = store.parked(&device.id)?;
        let Some(ready) = parked.iter().find(|p| p.starts_at <= current.last_seq + 1) else {
            out.gap = parked.first().map(|p| Gap { held_to: current.last_seq, starts_at: p.starts_at });
            return Ok(());
        };
        let before = (out.applied, out.no_effect, out.refused);
        // A gap inside the parked events parks their rest again, under a row of its own.
        let whole = push_in_order(store, &current, &ready.events, now, out, replies)?;
        out.unparked += (out.applied + out.no_effect + out.refused) - (before.0 + before.1 + before.2);
        if !whole && out.stopped.is_some() {
            // Stopped by a fork or a bad signature: kept, and reported on every import.
            return Ok(());
        }
        store.unpark(ready.id)?;
    }
}

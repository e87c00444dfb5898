//! Push: a batch of one device's events in its order, ingested in one transaction under the
//! append lock. Each event is checked (same device, not seen before or seen with the same hash,
//! next in the device chain, hash recomputed, signature) and appended with its outcome; the
//! first event that fails a check stops the batch, and the reply says from where to resend.
//! The reply for an event already stored is read back from its row, so a retry gets the same
//! answer. What the batch already holds is read in one statement (`Seen`), and the events are
//! decided and written through the appender's batch (`Appender::commit`).

use chrono::{DateTime, Utc};
use postgres::Client;

use super::append::{parse, Appender, Parsed, Precheck, Seen, Stored};
use super::prepared::Prepared;
use super::projections::Carried;
use super::reads::Reads;
use super::world::ContextCache;
use super::DeviceRow;
use crate::error::{Result, ServerError};
use crate::protocol::{PushReply, Stop, WireEvent, MAX_BATCH};
use crate::sign::{event_message, public_key, recompute_hash, verify};
use ed25519_dalek::VerifyingKey;

pub fn push(
    c: &mut Client,
    prepared: &mut Prepared,
    contexts: &ContextCache,
    carried: &Carried,
    pusher: &DeviceRow,
    events: &[WireEvent],
    now: DateTime<Utc>,
) -> Result<PushReply> {
    let device_id = pusher.id.as_str();
    if events.len() > MAX_BATCH {
        return Err(ServerError::BatchTooLarge { count: events.len(), max: MAX_BATCH });
    }
    // Each payload is read once, before the lock: for the read-ahead, the files it names and
    // the decision.
    let parsed: Vec<Parsed> = events.iter().map(parse).collect();
    let files: Vec<Vec<String>> = parsed
        .iter()
        .map(|p| p.as_ref().map(|(body, _)| body.attachments().iter().map(|a| a.sha256.clone()).collect()))
        .map(|f| f.unwrap_or_default())
        .collect();
    // The hashes and signatures too are checked before the lock, with the key of the device as
    // the request was authenticated (a device's key never changes): the appender's serialized
    // part is the shorter by the Ed25519 check. (Checking them on a thread of their own while
    // the lock and the read travel was tried: on two cores the extra thread's wake-ups cost
    // more than the overlap saved, bench/notes.md, stop 31.)
    let sealed = Sealed::check(pusher, events);
    let mut appender = Appender::begin(c, prepared, Some(carried), now)?;
    // One round trip for everything the batch reads before it decides, under the lock: the
    // device's chain head cannot move under this batch.
    let mut reads = Reads::default();
    super::devices::ask(&mut reads, device_id);
    let mut seen = Seen::ask(&mut reads, device_id, events);
    appender.ask_ahead(&mut reads, events, &parsed);
    let named: Vec<String> = files.iter().flatten().cloned().collect();
    if !named.is_empty() {
        super::attachments::ask_held(&mut reads, named);
    }
    let (mut device, mut ahead, mut held) = (None, Vec::new(), std::collections::HashSet::new());
    for row in appender.read(reads)? {
        match row.part.as_str() {
            "device" => device = Some(super::devices::from_read(&row.value)?),
            "seen" => seen.take(&row.value)?,
            "held" => {
                held.insert(row.key);
            }
            _ => ahead.push(row),
        }
    }
    let mut device = device.ok_or_else(|| ServerError::UnknownDevice { device: device_id.to_string() })?;
    match device.state.as_str() {
        "pending" => return Err(ServerError::DevicePending { device: device.id }),
        "approved" | "revoked" => {}
        _ => return Err(ServerError::UnknownDevice { device: device.id }),
    }
    let key = public_key(&device.key_alg, &device.public_key)?;
    appender.take_ahead(ahead)?;
    appender.know_previous(seen.previous());
    let at = appender.context_at();
    let context = contexts.get(at, appender.tx())?;
    appender.use_context(context);
    let mut outcomes = Vec::with_capacity(events.len());
    let mut stopped = None;
    for (index, ev) in events.iter().enumerate() {
        let stop = |code: &str, device: &DeviceRow| Stop {
            index,
            device_seq: ev.device_seq,
            code: code.to_string(),
            resend_from: device.last_seq + 1,
        };
        if ev.device_id != device.id {
            stopped = Some(stop("sync.wrong_device", &device));
            break;
        }
        let matching = seen.matching(ev);
        if let Some(first) = matching.first() {
            let same = matching.len() == 1
                && first.id == ev.id
                && first.device_id == ev.device_id
                && first.device_seq == ev.device_seq
                && first.hash == ev.hash;
            if same {
                outcomes.push(first.outcome.clone());
                continue;
            }
            // The same id with another hash, or another event where this device's chain already
            // has one: never an overwrite. Kept as an alarm for the office.
            let code = if first.id == ev.id { "sync.id_conflict" } else { "sync.chain_fork" };
            let stored_hash = first.hash.clone();
            appender.tx().execute(
                "INSERT INTO alarms (raised_at, code, device_id, device_seq, event_id, stored_hash, offered_hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[&now, &code, &ev.device_id, &ev.device_seq, &ev.id, &stored_hash, &ev.hash],
            )?;
            stopped = Some(stop(code, &device));
            break;
        }
        let check = if ev.device_seq != device.last_seq + 1 {
            Some("sync.chain_gap")
        } else if ev.prev_hash != device.last_hash {
            Some("sync.prev_hash_mismatch")
        } else if !sealed.hash_ok(index) {
            Some("sync.hash_mismatch")
        } else if !sealed.signed_ok(index, ev, &device, &key) {
            Some("sync.bad_event_signature")
        } else {
            None
        };
        if let Some(code) = check {
            stopped = Some(stop(code, &device));
            break;
        }
        // The files it names must be here first (docs/attachments.md): an event is never stored
        // pointing at bytes the district does not hold. The desk uploads them and pushes again.
        if !files[index].iter().all(|f| held.contains(f)) {
            stopped = Some(stop("attachment.missing", &device));
            break;
        }
        let pre = if device.state == "revoked" {
            Precheck::Refuse { code: "sync.device_revoked", flag: "device_revoked" }
        } else if device.user_id.as_deref() != Some(ev.actor.as_str()) {
            // A desktop device acts for the user who joined it and no one else.
            Precheck::Refuse { code: "sync.actor_not_device_user", flag: "" }
        } else {
            Precheck::Decide
        };
        let outcome = appender.append(ev, &parsed[index], pre)?;
        appender.refer(outcome.server_seq, &files[index]);
        seen.add(Stored {
            id: ev.id.clone(),
            device_id: ev.device_id.clone(),
            device_seq: ev.device_seq,
            hash: ev.hash.clone(),
            outcome: outcome.clone(),
        });
        outcomes.push(outcome);
        device.last_seq = ev.device_seq;
        device.last_hash = ev.hash.clone();
    }
    appender.commit()?;
    Ok(PushReply { outcomes, stopped })
}

/// Each event's hash recomputed and signature checked ahead, the signatures with the key of the
/// device that sent the request (its algorithm, key and the answers); checked again under the
/// lock only if the device read there has another key.
struct Sealed {
    hash_ok: Vec<bool>,
    signed: Option<(String, String, Vec<bool>)>,
}

impl Sealed {
    fn check(pusher: &DeviceRow, events: &[WireEvent]) -> Sealed {
        Sealed {
            hash_ok: events.iter().map(|ev| recompute_hash(ev) == ev.hash).collect(),
            signed: public_key(&pusher.key_alg, &pusher.public_key).ok().map(|key| {
                let ok = events.iter().map(|ev| signed(ev, &pusher.key_alg, &key)).collect();
                (pusher.key_alg.clone(), pusher.public_key.clone(), ok)
            }),
        }
    }

    fn hash_ok(&self, index: usize) -> bool {
        self.hash_ok[index]
    }

    fn signed_ok(&self, index: usize, ev: &WireEvent, device: &DeviceRow, key: &VerifyingKey) -> bool {
        match &self.signed {
            Some((alg, public, ok)) if *alg == device.key_alg && *public == device.public_key => ok[index],
            _ => signed(ev, &device.key_alg, key),
        }
    }
}

/// Whether `ev` is signed by `key` (of algorithm `alg`) over its hash.
fn signed(ev: &WireEvent, alg: &str, key: &VerifyingKey) -> bool {
    ev.sig_alg == alg && event_message(&ev.hash).is_some_and(|m| verify(key, &m, &ev.sig))
}

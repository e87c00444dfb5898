//! Chain verification: recompute every device chain and report the first broken link.

use std::collections::BTreeMap;

use serde::Serialize;
use taizhang_core::chain::{canonical_json, event_hash, ChainFields, GENESIS_HASH};
use taizhang_core::EventBody;

use crate::error::Result;
use crate::Ledger;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BrokenLink {
    /// Local append order of the first event that fails.
    #[ts(type = "number")]
    pub seq: i64,
    pub event_id: String,
    pub device_id: String,
    #[ts(type = "number")]
    pub device_seq: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ChainHead {
    pub device_id: String,
    #[ts(type = "number")]
    pub events: i64,
    pub head_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct VerifyReport {
    pub ok: bool,
    #[ts(type = "number")]
    pub events: i64,
    pub chains: Vec<ChainHead>,
    pub first_break: Option<BrokenLink>,
    /// Files the events name that the ledger does not hold as named (docs/attachments.md),
    /// checked when the chain holds.
    pub attachments: Vec<crate::attachments::AttachmentFault>,
}

impl Ledger {
    /// Recomputes every hash and link, in append order, and stops at the first failure.
    pub fn verify(&self) -> Result<VerifyReport> {
        self.verify_with_progress(&mut |_, _| {})
    }

    /// `verify`, reporting `progress(done, total)` in events checked: `(0, total)` first, then
    /// about every half per cent, and `(checked, total)` at the end (fewer than `total` when
    /// the chain breaks).
    pub fn verify_with_progress(&self, progress: &mut dyn FnMut(i64, i64)) -> Result<VerifyReport> {
        let total: i64 = self.conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
        let step = crate::rebuild::progress_step(total);
        progress(0, total);
        let mut st = self.conn.prepare(
            "SELECT seq, id, device_id, device_seq, prev_hash, hash, actor, occurred_at, kind, payload, schema_version, subject_id
             FROM events ORDER BY seq",
        )?;
        let mut rows = st.query([])?;
        let mut heads: BTreeMap<String, (i64, String)> = BTreeMap::new();
        // A replica holds only the part of other devices' chains its unit may see, in the
        // server's order: their links were checked by the server on push; here each of their
        // events is checked against its own hash, and this device's chain link by link.
        let partial_chains = crate::replica_log::is_replica(&self.conn)?;
        let mut count = 0;
        let mut first_break = None;
        // Every file named, with its size, name and the first event naming it.
        let mut named: BTreeMap<String, (u64, String, String)> = BTreeMap::new();
        while let Some(r) = rows.next()? {
            count += 1;
            if count % step == 0 && count < total {
                progress(count, total);
            }
            let seq: i64 = r.get(0)?;
            // An edited value may not even be text any more; that is a break at this event,
            // not a failure of the check.
            let text = |i: usize| -> Option<String> {
                match r.get_ref(i).ok()? {
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8(t.to_vec()).ok(),
                    _ => None,
                }
            };
            let id = text(1).unwrap_or_default();
            let (device_id, prev_hash, hash, actor, occurred_at, kind, payload) =
                match (text(2), text(4), text(5), text(6), text(7), text(8), text(9)) {
                    (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f), Some(g)) => (a, b, c, d, e, f, g),
                    _ => {
                        let device_id = text(2).unwrap_or_default();
                        let device_seq = r.get::<_, i64>(3).unwrap_or_default();
                        let reason = "a stored field is not valid text".to_string();
                        first_break = Some(BrokenLink { seq, event_id: id, device_id, device_seq, reason });
                        break;
                    }
                };
            let (Ok(device_seq), Ok(schema_version)) = (r.get::<_, i64>(3), r.get::<_, i64>(10)) else {
                let reason = "a stored number is not a number".to_string();
                first_break = Some(BrokenLink { seq, event_id: id, device_id, device_seq: 0, reason });
                break;
            };
            let subject_id: Option<String> = r.get(11).ok().flatten();
            let (last_seq, last_hash) = heads.get(&device_id).cloned().unwrap_or((0, GENESIS_HASH.to_string()));
            let recomputed = event_hash(&ChainFields {
                id: &id,
                device_id: &device_id,
                device_seq,
                prev_hash: &prev_hash,
                actor: &actor,
                occurred_at: &occurred_at,
                kind: &kind,
                schema_version,
                payload: &payload,
            });
            let linked = !partial_chains || device_id == self.device_id;
            let reason = if linked && device_seq != last_seq + 1 {
                Some(format!("device sequence {device_seq} follows {last_seq}"))
            } else if linked && prev_hash != last_hash {
                Some("prev_hash does not match the previous event's hash".to_string())
            } else if recomputed != hash {
                Some("hash does not match the event's content".to_string())
            } else {
                match serde_json::from_str::<serde_json::Value>(&payload) {
                    Err(e) => Some(format!("payload is not JSON: {e}")),
                    Ok(v) if canonical_json(&v) != payload => Some("payload is not in canonical form".into()),
                    Ok(v) => match EventBody::from_parts(&kind, v) {
                        Err(e) => Some(format!("payload does not fit {kind}: {e}")),
                        // The subject column is outside the hash (it is an index for timelines),
                        // so it is checked against the payload it was taken from.
                        Ok(body) if body.subject_id() != subject_id => {
                            Some("subject_id does not match the payload".into())
                        }
                        Ok(body) => {
                            for a in body.attachments() {
                                named.entry(a.sha256.clone()).or_insert_with(|| (a.size, a.name.clone(), id.clone()));
                            }
                            None
                        }
                    },
                }
            };
            if let Some(reason) = reason {
                first_break = Some(BrokenLink { seq, event_id: id, device_id, device_seq, reason });
                break;
            }
            heads.insert(device_id, (device_seq, hash));
        }
        progress(count, total);
        let attachments =
            if first_break.is_none() { crate::attachments::check(&self.conn, &named)? } else { Vec::new() };
        Ok(VerifyReport {
            ok: first_break.is_none() && attachments.is_empty(),
            attachments,
            events: total,
            chains: heads
                .into_iter()
                .map(|(device_id, (events, head_hash))| ChainHead { device_id, events, head_hash })
                .collect(),
            first_break,
        })
    }
}

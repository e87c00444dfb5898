//! `taizhang-server verify`: recomputes every link of the server chain (over server_seq, the
//! event hash and the recorded outcome), every event hash from its fields, every device chain
//! (device_seq + 1, prev_hash) and every signature against its device's key. Names the first
//! break.

use std::collections::HashMap;

use postgres::Client;
use taizhang_core::chain::GENESIS_HASH;

use super::VerifyReport;
use crate::error::Result;
use crate::sign::{chain_link, event_message, public_key, recompute_hash, verify as verify_sig};

pub fn verify(c: &mut Client) -> Result<VerifyReport> {
    let mut tx =
        c.build_transaction().isolation_level(postgres::IsolationLevel::RepeatableRead).read_only(true).start()?;
    let mut keys = HashMap::new();
    for r in tx.query("SELECT id, key_alg, public_key FROM devices", &[])? {
        let (id, alg, key): (String, String, String) = (r.get(0), r.get(1), r.get(2));
        keys.insert(id, public_key(&alg, &key).ok());
    }
    let mut heads: HashMap<String, (i64, String)> = HashMap::new();
    let mut prev_chain = GENESIS_HASH.to_string();
    let mut expected_seq = 1i64;
    let mut count = 0i64;
    // Read in pages so a large log is not held in memory at once.
    let mut after = 0i64;
    loop {
        let rows = tx.query(
            "SELECT server_seq, id, device_id, device_seq, prev_hash, hash, actor, occurred_at, kind, schema_version,
                    payload, sig_alg, sig, chain_hash, outcome, reason_code, flag
             FROM events WHERE server_seq > $1 ORDER BY server_seq LIMIT 5000",
            &[&after],
        )?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let seq: i64 = r.get("server_seq");
            let ev = super::pg::wire_event(r);
            let broken =
                |why: String| Ok(VerifyReport { events: count, head: prev_chain.clone(), broken: Some((seq, why)) });
            if seq != expected_seq {
                return Ok(VerifyReport {
                    events: count,
                    head: prev_chain.clone(),
                    broken: Some((expected_seq, format!("server_seq {expected_seq} is missing"))),
                });
            }
            if recompute_hash(&ev) != ev.hash {
                return broken("the event's fields do not match its hash".into());
            }
            let (outcome, reason_code, flag): (String, String, String) =
                (r.get("outcome"), r.get("reason_code"), r.get("flag"));
            let link = chain_link(&prev_chain, seq, &ev.hash, &outcome, &reason_code, &flag);
            if link != r.get::<_, String>("chain_hash") {
                return broken("the server chain link does not match".into());
            }
            let (last_seq, last_hash) = heads.get(&ev.device_id).cloned().unwrap_or((0, GENESIS_HASH.to_string()));
            if ev.device_seq != last_seq + 1 || ev.prev_hash != last_hash {
                return broken(format!("device {} chain does not continue at {}", ev.device_id, ev.device_seq));
            }
            let key = keys.get(&ev.device_id).cloned().flatten();
            let signed = key.is_some_and(|k| event_message(&ev.hash).is_some_and(|m| verify_sig(&k, &m, &ev.sig)));
            if !signed {
                return broken(format!("the signature of event {} does not verify", ev.id));
            }
            heads.insert(ev.device_id.clone(), (ev.device_seq, ev.hash.clone()));
            prev_chain = link;
            expected_seq += 1;
            count += 1;
            after = seq;
        }
    }
    // A row cut from the end leaves no gap behind it: each device's recorded head must be the
    // last event of its chain in the log.
    for r in tx.query("SELECT id, last_seq, last_hash FROM devices ORDER BY id", &[])? {
        let (id, last_seq, last_hash): (String, i64, String) = (r.get(0), r.get(1), r.get(2));
        let (seq, hash) = heads.get(&id).cloned().unwrap_or((0, GENESIS_HASH.to_string()));
        if seq != last_seq || hash != last_hash {
            let why = format!("device {id} recorded head {last_seq} but the log ends its chain at {seq}");
            return Ok(VerifyReport { events: count, head: prev_chain, broken: Some((expected_seq, why)) });
        }
    }
    tx.commit()?;
    Ok(VerifyReport { events: count, head: prev_chain, broken: None })
}

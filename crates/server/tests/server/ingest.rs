//! Devices joining, and push: signatures, chains, duplicates, alarms, outcomes, bad input.

use serde_json::{json, Value};
use taizhang_core::EventBody;
use taizhang_server::protocol::{MAX_BATCH, MAX_BODY};
use taizhang_server::sign::sign_event;
use taizhang_server::Store;

use crate::client::{send, Device};
use crate::cluster::t0;
use crate::fixture::{District, PASSWORD};
use crate::{count, visit};

fn code(v: &Value) -> &str {
    v["code"].as_str().unwrap_or("")
}

#[test]
fn a_device_joins_waits_for_approval_and_is_revoked() {
    let d = District::new();
    let base = &d.server.base;
    let mut dev = Device::new("t1", &d.user_id("t1"));
    let (s, v) = dev.join(base, "t1", "wrong-password");
    assert_eq!((s, code(&v)), (401, "sync.bad_login"));
    let (s, v) = dev.join(base, "nobody", PASSWORD);
    assert_eq!((s, code(&v)), (401, "sync.bad_login"), "an unknown login answers like a wrong password");
    let (s, v) = dev.join(base, "t1", PASSWORD);
    assert_eq!((s, v["state"].as_str()), (200, Some("pending")), "{v}");
    // Joining again is answered with the state; another key under the same id is refused.
    assert_eq!(dev.join(base, "t1", PASSWORD).0, 200);
    let mut other = Device::new("t1", &d.user_id("t1"));
    other.id = dev.id.clone();
    let (s, v) = other.join(base, "t1", PASSWORD);
    assert_eq!((s, code(&v)), (409, "sync.device_conflict"));

    let ev = dev.event(&visit(&d), t0());
    let (s, v) = dev.push(base, std::slice::from_ref(&ev));
    assert_eq!((s, code(&v)), (403, "sync.device_pending"));
    assert_eq!(dev.pull(base, 0, 0, 10).0, 403);
    let (s, v) = dev.signed(base, "GET", "/v1/device", None);
    assert_eq!((s, v["state"].as_str()), (200, Some("pending")));

    d.store.decide_device(&dev.id, true, "admin", t0()).unwrap();
    let (s, v) = dev.push(base, std::slice::from_ref(&ev));
    assert_eq!((s, v["outcomes"][0]["outcome"].as_str()), (200, Some("applied")), "{v}");
    assert_eq!(d.store.devices().unwrap().iter().find(|x| x.id == dev.id).unwrap().state, "approved");

    // Revoked: its later events are stored, flagged and not applied; it reads nothing more.
    d.store.decide_device(&dev.id, false, "admin", t0()).unwrap();
    let visits = count(&d.url, "SELECT count(*) FROM visits");
    let ev2 = dev.event(&visit(&d), t0());
    let (s, v) = dev.push(base, std::slice::from_ref(&ev2));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["outcomes"][0]["outcome"], "refused");
    assert_eq!(v["outcomes"][0]["flag"], "device_revoked");
    assert_eq!(v["outcomes"][0]["reason"]["code"], "sync.device_revoked");
    assert_eq!(count(&d.url, "SELECT count(*) FROM visits"), visits);
    assert_eq!(
        count(&d.url, &format!("SELECT count(*) FROM events WHERE id = '{}' AND flag = 'device_revoked'", ev2.id)),
        1
    );
    let (s, v) = dev.pull(base, 0, 0, 10);
    assert_eq!((s, code(&v)), (403, "sync.device_revoked"));
    assert!(d.store.decide_device(&dev.id, true, "admin", t0()).is_err(), "revocation is final");
    assert_eq!(d.store.verify().unwrap().broken, None);
}

/// The office decides devices from its own approved desktop over HTTP; the core says who may
/// (`may_decide_devices`), so a township's desktop, or a pending one, is refused.
#[test]
fn the_office_approves_and_revokes_devices_from_its_desktop() {
    let d = District::new();
    let base = &d.server.base;
    let office = d.device("admin");
    let township = d.device("t1");
    let newcomer = Device::new("t2", &d.user_id("t2"));
    assert_eq!(newcomer.join(base, "t2", PASSWORD).0, 200);

    let (s, v) = office.signed(base, "GET", "/v1/devices", None);
    assert_eq!(s, 200, "{v}");
    let listed: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["device_id"].as_str().unwrap(), x["state"].as_str().unwrap()))
        .collect();
    assert!(listed.contains(&(newcomer.id.as_str(), "pending")), "{listed:?}");
    assert!(listed.iter().all(|(_, state)| ["pending", "approved"].contains(state)));
    assert_eq!(listed.len(), 3, "desktops only, not the server's own device: {listed:?}");

    // A township's desktop may not, nor may a pending one; nothing changes.
    let decide = |dev: &Device, id: &str, approve: bool| {
        let body = serde_json::to_vec(&json!({ "device_id": id, "approve": approve })).unwrap();
        dev.signed(base, "POST", "/v1/devices/decide", Some(body))
    };
    let (s, v) = township.signed(base, "GET", "/v1/devices", None);
    assert_eq!((s, code(&v)), (422, "auth.forbidden"), "{v}");
    let (s, v) = decide(&township, &newcomer.id, true);
    assert_eq!((s, code(&v)), (422, "auth.forbidden"), "{v}");
    let (s, v) = decide(&newcomer, &newcomer.id, true);
    assert_eq!((s, code(&v)), (403, "sync.device_pending"), "{v}");
    assert_eq!(d.store.device(&newcomer.id).unwrap().unwrap().state, "pending");

    let (s, v) = decide(&office, &newcomer.id, true);
    assert_eq!((s, v["state"].as_str(), v["decided_by"].as_str()), (200, Some("approved"), Some("admin")), "{v}");
    assert_eq!(newcomer.pull(base, 0, 0, 10).0, 200, "approved: it reads the district");
    let (s, v) = decide(&office, &township.id, false);
    assert_eq!((s, v["state"].as_str()), (200, Some("revoked")), "{v}");
    let (s, v) = decide(&office, &township.id, true);
    assert_eq!((s, code(&v)), (403, "sync.device_revoked"), "revocation is final: {v}");
    let (s, v) = decide(&office, "no-such-device", true);
    assert_eq!(code(&v), "sync.device_unknown", "{s} {v}");
}

#[test]
fn signatures_and_hashes_are_checked() {
    let d = District::new();
    let base = &d.server.base;
    let mut dev = d.device("t1");
    // A request signed by another key.
    let mut impostor = Device::new("x", &dev.user_id);
    impostor.id = dev.id.clone();
    let (s, v) = impostor.pull(base, 0, 0, 10);
    assert_eq!((s, code(&v)), (401, "sync.bad_signature"));
    let (s, _) = send(base, "GET", "/v1/pull", 1, &[], None);
    assert_eq!(s, 401, "an unsigned request");

    let events_before = count(&d.url, "SELECT count(*) FROM events");
    // An event signed by another key.
    let mut ev = dev.event(&visit(&d), t0());
    let good = ev.clone();
    sign_event(&impostor.key, &mut ev);
    let (s, v) = dev.push(base, &[ev]);
    assert_eq!(s, 200);
    assert_eq!(v["stopped"]["code"], "sync.bad_event_signature", "{v}");
    assert_eq!(v["stopped"]["resend_from"], 1);
    // A payload changed after signing.
    let mut ev = good.clone();
    ev.payload = ev.payload.replace("张三", "李四");
    let (_, v) = dev.push(base, &[ev]);
    assert_eq!(v["stopped"]["code"], "sync.hash_mismatch", "{v}");
    // The same algorithm named differently.
    let mut ev = good.clone();
    ev.sig_alg = "sm2".into();
    let (_, v) = dev.push(base, &[ev]);
    assert_eq!(v["stopped"]["code"], "sync.bad_event_signature", "{v}");
    assert_eq!(count(&d.url, "SELECT count(*) FROM events"), events_before, "nothing stored");
    let (_, v) = dev.push(base, &[good]);
    assert_eq!(v["outcomes"][0]["outcome"], "applied", "{v}");
}

#[test]
fn a_chain_gap_stops_the_batch_and_says_where_to_resend() {
    let d = District::new();
    let base = &d.server.base;
    let mut dev = d.device("t1");
    let e: Vec<_> = (0..4).map(|_| dev.event(&visit(&d), t0())).collect();
    let (_, v) = dev.push(base, &e[..1]);
    assert_eq!(v["outcomes"].as_array().unwrap().len(), 1);
    // 3 without 2: stopped at 3, resend from 2.
    let (_, v) = dev.push(base, &e[2..]);
    assert_eq!(v["outcomes"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!(v["stopped"], json!({ "index": 0, "device_seq": 3, "code": "sync.chain_gap", "resend_from": 2 }));
    // A batch whose middle is missing keeps its head.
    let (_, v) = dev.push(base, &[e[1].clone(), e[3].clone()]);
    assert_eq!(v["outcomes"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["stopped"]["resend_from"], 3);
    assert_eq!(v["stopped"]["index"], 1);
    // A link whose prev_hash is not the head's.
    let mut forged = e[2].clone();
    forged.prev_hash = "ab".repeat(32);
    sign_event(&dev.key, &mut forged);
    let (_, v) = dev.push(base, &[forged]);
    assert_eq!(v["stopped"]["code"], "sync.prev_hash_mismatch", "{v}");
    let (_, v) = dev.push(base, &e[2..]);
    assert_eq!(v["stopped"], Value::Null, "{v}");
    assert_eq!(v["outcomes"].as_array().unwrap().len(), 2);
    assert_eq!(d.store.verify().unwrap().broken, None);
}

#[test]
fn a_retry_gets_the_same_reply_and_an_id_with_another_hash_raises_an_alarm() {
    let d = District::new();
    let base = &d.server.base;
    let mut dev = d.device("t1");
    let unknown =
        EventBody::Signed { problem_id: "no-such-problem".into(), unit_id: d.t1.clone(), handler: String::new() };
    // (Refused by the core: a retry must repeat the refusal, not decide it again.)
    let e = vec![dev.event(&visit(&d), t0()), dev.event(&unknown, t0()), dev.event(&visit(&d), t0())];
    let (_, first) = dev.push(base, &e);
    assert_eq!(first["outcomes"].as_array().unwrap().len(), 3, "{first}");
    let n = count(&d.url, "SELECT count(*) FROM events");
    for _ in 0..2 {
        let (_, again) = dev.push(base, &e);
        assert_eq!(again, first, "the reply to a retry is the first reply");
    }
    let (_, part) = dev.push(base, &e[1..2]);
    assert_eq!(part["outcomes"][0], first["outcomes"][1]);
    assert_eq!(count(&d.url, "SELECT count(*) FROM events"), n, "a retry stores nothing");

    // The same id with another content: an alarm, never an overwrite.
    let mut twin = e[0].clone();
    twin.payload = twin.payload.replace("张三", "王五");
    sign_event(&dev.key, &mut twin);
    let (_, v) = dev.push(base, &[twin.clone()]);
    assert_eq!(v["stopped"]["code"], "sync.id_conflict", "{v}");
    // Another event where the chain already has one: a fork, also an alarm.
    let mut fork = e[0].clone();
    fork.id = uuid::Uuid::now_v7().to_string();
    sign_event(&dev.key, &mut fork);
    let (_, v) = dev.push(base, &[fork]);
    assert_eq!(v["stopped"]["code"], "sync.chain_fork", "{v}");
    assert_eq!(count(&d.url, "SELECT count(*) FROM alarms"), 2);
    let stored =
        count(&d.url, &format!("SELECT count(*) FROM events WHERE id = '{}' AND hash = '{}'", e[0].id, e[0].hash));
    assert_eq!(stored, 1, "the first content stays");
    assert_eq!(count(&d.url, "SELECT count(*) FROM events"), n);
}

#[test]
fn every_event_gets_an_outcome_and_only_applied_ones_change_projections() {
    let d = District::new();
    let base = &d.server.base;
    let mut dev = d.device("t1");
    let visits = count(&d.url, "SELECT count(*) FROM visits");
    let applied = dev.event(&visit(&d), t0());
    let unknown = dev
        .event(&EventBody::Signed { problem_id: "nope".into(), unit_id: d.t1.clone(), handler: String::new() }, t0());
    let d1 = d.user_id("d1");
    let impersonated = dev.event_as(&d1, &visit(&d), t0());
    // A validly signed link whose content this server cannot read: stored and refused.
    let mut unreadable = dev.event(&visit(&d), t0());
    unreadable.kind = "teleported".into();
    sign_event(&dev.key, &mut unreadable);
    dev.last_hash = unreadable.hash.clone();
    let (_, v) = dev.push(base, &[applied, unknown, impersonated, unreadable]);
    let o = v["outcomes"].as_array().unwrap();
    assert_eq!(o.len(), 4, "{v}");
    assert_eq!(o[0]["outcome"], "applied");
    assert_eq!(o[0]["reason"], Value::Null);
    assert_eq!((o[1]["outcome"].as_str(), o[1]["reason"]["code"].as_str()), (Some("refused"), Some("not_found")));
    assert_eq!(
        (o[2]["outcome"].as_str(), o[2]["reason"]["code"].as_str()),
        (Some("refused"), Some("sync.actor_not_device_user"))
    );
    assert_eq!((o[3]["outcome"].as_str(), o[3]["reason"]["code"].as_str()), (Some("refused"), Some("input.invalid")));
    assert_eq!(count(&d.url, "SELECT count(*) FROM visits"), visits + 1, "only the applied visit is folded");
    // The author sees all four outcomes on pull.
    let (all, _) = dev.pull_all(base, 100);
    let mine: Vec<_> = all.iter().filter(|e| e.event.device_id == dev.id).map(|e| e.outcome.as_str()).collect();
    assert_eq!(mine, ["applied", "refused", "refused", "refused"]);
    assert_eq!(d.store.verify().unwrap().broken, None);
}

/// The core re-decides every pushed act against the district's state: the lead department's
/// sign is applied; the same sign again arrives after the state moved on (no effect); another
/// department's sign is not allowed for it (refused). Only the first changes the problem.
#[test]
fn the_core_re_decides_each_act_against_the_district() {
    let d = District::new();
    let base = &d.server.base;
    let p = d.problem("t1", &d.e1, Some(&d.d1));
    let later = t0() + chrono::Duration::hours(1);
    let sign = |unit: &str| EventBody::Signed { problem_id: p.clone(), unit_id: unit.into(), handler: "李四".into() };
    let mut lead = d.device("d1");
    let mut other = d.device("d2");
    let first = lead.event(&sign(&d.d1), later);
    let again = lead.event(&sign(&d.d1), later);
    let (_, v) = lead.push(base, &[first, again]);
    assert_eq!(v["outcomes"][0]["outcome"], "applied", "{v}");
    assert_eq!(v["outcomes"][1]["outcome"], "no_effect", "{v}");
    assert_eq!(v["outcomes"][1]["reason"]["code"], "workflow.invalid_state", "{v}");
    let foreign = other.event(&sign(&d.d2), later);
    let (_, v) = other.push(base, &[foreign]);
    assert_eq!(v["outcomes"][0]["outcome"], "refused", "{v}");
    assert_eq!(v["outcomes"][0]["reason"]["code"], "auth.forbidden", "{v}");
    let status = count(
        &d.url,
        &format!("SELECT count(*) FROM problems WHERE id = '{p}' AND body::jsonb->>'status' = 'in_progress'"),
    );
    assert_eq!(status, 1, "the applied sign is folded");
    let signs = count(
        &d.url,
        &format!("SELECT jsonb_array_length(body::jsonb->'signs')::bigint FROM problems WHERE id = '{p}'"),
    );
    assert_eq!(signs, 1, "the refused and no-effect signs are not");
    // Both departments see the outcomes of their own acts; d2 sees nothing else of the problem.
    let (seen, _) = other.pull_all(base, 100);
    let of_p: Vec<_> = seen.iter().filter(|e| e.event.payload.contains(&p)).map(|e| e.outcome.as_str()).collect();
    assert_eq!(of_p, ["refused"]);
}

#[test]
fn bad_input_is_refused_whole_with_its_code() {
    let d = District::new();
    let base = &d.server.base;
    let mut dev = d.device("t1");
    let n = count(&d.url, "SELECT count(*) FROM events");
    let (s, v) = dev.signed(base, "POST", "/v1/push", Some(b"{not json".to_vec()));
    assert_eq!((s, code(&v)), (400, "sync.malformed"), "{v}");
    let (s, v) = dev.signed(base, "POST", "/v1/push", Some(br#"{"events":[{"id":1}]}"#.to_vec()));
    assert_eq!((s, code(&v)), (400, "sync.malformed"), "{v}");
    let many: Vec<_> = (0..=MAX_BATCH).map(|_| dev.event(&visit(&d), t0())).collect();
    let (s, v) = dev.push(base, &many);
    assert_eq!((s, code(&v)), (413, "sync.batch_too_large"), "{v}");
    let huge = serde_json::to_vec(&json!({ "events": [], "pad": "x".repeat(MAX_BODY - 10) })).unwrap();
    assert!(huge.len() > MAX_BODY && huge.len() < MAX_BODY + 100);
    let (s, v) = dev.signed(base, "POST", "/v1/push", Some(huge));
    assert_eq!((s, code(&v)), (413, "sync.body_too_large"), "{v}");
    let (s, v) = send(base, "POST", "/v1/join", 1, &[], Some(b"[]".to_vec()));
    assert_eq!((s, code(&v)), (400, "sync.malformed"));
    assert_eq!(count(&d.url, "SELECT count(*) FROM events"), n);
}

#[test]
fn a_client_of_a_newer_protocol_is_refused() {
    let d = District::new();
    let mut dev = Device::new("t1", &d.user_id("t1"));
    dev.protocol = taizhang_server::protocol::PROTOCOL_VERSION + 1;
    let (s, v) = dev.join(&d.server.base, "t1", PASSWORD);
    assert_eq!((s, code(&v)), (426, "sync.protocol_newer"), "{v}");
    assert_eq!(v["server"], taizhang_server::protocol::PROTOCOL_VERSION);
    let (s, _) = send(&d.server.base, "GET", "/v1/health", 1, &[], None);
    assert_eq!(s, 200);
    assert_eq!(count(&d.url, &format!("SELECT count(*) FROM devices WHERE id = '{}'", dev.id)), 0);
}

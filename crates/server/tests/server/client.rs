//! The server in-process on 127.0.0.1:0, and a desktop device as the protocol sees it: a key,
//! a chain, signed requests.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use serde_json::Value;
use taizhang_core::chain::{canonical_json, format_instant, GENESIS_HASH};
use taizhang_core::EventBody;
use taizhang_server::protocol::*;
use taizhang_server::sign::{request_message, sign_event, sign_hex, signing_key};
use taizhang_server::{PgStore, Store};

pub struct Server {
    pub base: String,
}

/// Serves `db_url` on a free loopback port from a runtime of its own, for the rest of the test.
pub fn start(db_url: &str) -> Server {
    let store: Arc<dyn Store> = Arc::new(PgStore::open(db_url).expect("open the district"));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::from_std(listener).unwrap();
            taizhang_server::http::serve(l, store).await.unwrap();
        });
    });
    Server { base: format!("http://{addr}") }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

pub struct Device {
    pub id: String,
    pub key: SigningKey,
    pub user_id: String,
    pub seq: i64,
    pub last_hash: String,
    pub protocol: u32,
}

impl Device {
    pub fn new(name: &str, user_id: &str) -> Device {
        Device {
            id: format!("dev-{name}-{}", uuid::Uuid::now_v7()),
            key: signing_key(&rand::random()),
            user_id: user_id.to_string(),
            seq: 0,
            last_hash: GENESIS_HASH.to_string(),
            protocol: PROTOCOL_VERSION,
        }
    }

    pub fn public_key(&self) -> String {
        hex::encode(self.key.verifying_key().to_bytes())
    }

    /// The next event of this device's chain, signed.
    pub fn event(&mut self, body: &EventBody, at: DateTime<Utc>) -> WireEvent {
        self.event_as(&self.user_id.clone(), body, at)
    }

    pub fn event_as(&mut self, actor: &str, body: &EventBody, at: DateTime<Utc>) -> WireEvent {
        let (kind, payload) = body.to_parts();
        let mut ev = WireEvent {
            id: uuid::Uuid::now_v7().to_string(),
            device_id: self.id.clone(),
            device_seq: self.seq + 1,
            prev_hash: self.last_hash.clone(),
            hash: String::new(),
            actor: actor.to_string(),
            occurred_at: format_instant(at),
            kind,
            schema_version: 1,
            payload: canonical_json(&payload),
            sig_alg: String::new(),
            sig: String::new(),
        };
        sign_event(&self.key, &mut ev);
        self.seq += 1;
        self.last_hash = ev.hash.clone();
        ev
    }

    pub fn join(&self, base: &str, login: &str, password: &str) -> (u16, Value) {
        let body = serde_json::to_vec(&JoinRequest {
            login: login.into(),
            password: password.into(),
            device_id: self.id.clone(),
            key_alg: ED25519.into(),
            public_key: self.public_key(),
            name: "test desk".into(),
        })
        .unwrap();
        send(base, "POST", "/v1/join", self.protocol, &[], Some(body))
    }

    /// A request signed by this device.
    pub fn signed(&self, base: &str, method: &str, path: &str, body: Option<Vec<u8>>) -> (u16, Value) {
        let sig = sign_hex(&self.key, &request_message(method, path, body.as_deref().unwrap_or(b"")));
        send(base, method, path, self.protocol, &[(DEVICE_HEADER, &self.id), (SIGNATURE_HEADER, &sig)], body)
    }

    pub fn push(&self, base: &str, events: &[WireEvent]) -> (u16, Value) {
        let body = serde_json::to_vec(&serde_json::json!({ "events": events })).unwrap();
        self.signed(base, "POST", "/v1/push", Some(body))
    }

    pub fn pull(&self, base: &str, after: i64, after_event: i64, limit: i64) -> (u16, Value) {
        self.signed(base, "GET", &format!("/v1/pull?after={after}&after_event={after_event}&limit={limit}"), None)
    }

    /// Every event visible to this device, page by page; also returns the number of pages.
    pub fn pull_all(&self, base: &str, limit: i64) -> (Vec<PulledEvent>, usize) {
        let (mut after, mut after_event, mut pages) = (0, 0, 0);
        let mut all = Vec::new();
        loop {
            let (status, v) = self.pull(base, after, after_event, limit);
            assert_eq!(status, 200, "{v}");
            let page: PullReply = serde_json::from_value(v).unwrap();
            pages += 1;
            assert!(page.events.len() as i64 <= limit);
            all.extend(page.events);
            (after, after_event) = (page.next.after, page.next.after_event);
            if !page.more {
                return (all, pages);
            }
            assert!(pages < 10_000, "pull does not end");
        }
    }
}

pub fn send(
    base: &str,
    method: &str,
    path: &str,
    protocol: u32,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> (u16, Value) {
    let url = format!("{base}{path}");
    let a = agent();
    let resp = if method == "GET" {
        let mut r = a.get(&url).header(PROTOCOL_HEADER, protocol.to_string());
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.call()
    } else {
        let mut r =
            a.post(&url).header(PROTOCOL_HEADER, protocol.to_string()).header("content-type", "application/json");
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.send(body.unwrap_or_default())
    };
    let mut resp = resp.expect("the server answers");
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

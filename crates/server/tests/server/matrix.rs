//! Who may do what over HTTP, in one table: every role of the core (office, leader, township,
//! department) with its device pending, approved or revoked, users who may no longer act, and
//! every kind of credential a request can carry, against every endpoint of http.rs. Then
//! replayed requests: the same bytes with the same signature do nothing new.

use serde_json::{json, Value};
use taizhang_core::*;
use taizhang_server::protocol::{DEVICE_HEADER, PROTOCOL_VERSION, SIGNATURE_HEADER};
use taizhang_server::sign::{request_message, sign_hex, signing_key};
use taizhang_server::Store;

use crate::client::{send, Device};
use crate::cluster::{t0, ADMIN_PASSWORD};
use crate::fixture::{District, PASSWORD};
use crate::{count, visit};

/// What a request carries to say which device sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cred {
    /// The device's id, signed by its key over this method, path and body.
    Valid,
    /// The device's id, signed by another key.
    OtherKey,
    /// No device and no signature headers.
    Unsigned,
    /// The device's id and key, but the signature covers another request: another path for a
    /// GET, another body for a POST.
    OtherRequest,
    /// A device id the server never saw.
    UnknownDevice,
    /// The server's own device id (it signs genesis and the office's CLI; it has no requests).
    ServerDevice,
}

const ENDPOINTS: [&str; 8] = ["health", "join", "device", "push", "pull", "files", "devices", "decide"];

/// The matrix. A cell is the HTTP status and the error code, or for a 200 what matters of the
/// answer: the device state (`join`, `device`, `decide`), the pushed event's outcome and
/// reason (`push`). `join` carries no signature; its column reads each credential as a join:
/// Valid = the device joining again with its own id, key and password; OtherKey = its id with
/// another key; Unsigned = a wrong password; OtherRequest = its id and key with another user's
/// login; UnknownDevice = a new id; ServerDevice = the server's device id. `files` asks which
// attachments the server lacks (docs/attachments.md), answered as a pull is. The push is a visit
/// about 一镇's enterprise: the office's and 一镇's to record, nobody else's.
#[rustfmt::skip]
const MATRIX: &[(&str, &str, Cred, [&str; 8])] = &[
    // who                         state       credential            health join                        device                     push                                                   pull                       files                      devices                    decide
    ("office",                     "pending",  Cred::Valid,         ["200", "200 pending",              "200 pending",             "403 sync.device_pending",                             "403 sync.device_pending", "403 sync.device_pending", "403 sync.device_pending", "403 sync.device_pending"]),
    ("office",                     "approved", Cred::Valid,         ["200", "200 approved",             "200 approved",            "200 applied",                                         "200",                     "200",                     "200",                     "200 approved"]),
    ("office",                     "revoked",  Cred::Valid,         ["200", "200 revoked",              "200 revoked",             "200 refused sync.device_revoked flag device_revoked", "403 sync.device_revoked", "403 sync.device_revoked", "403 sync.device_revoked", "403 sync.device_revoked"]),
    ("leader",                     "pending",  Cred::Valid,         ["200", "200 pending",              "200 pending",             "403 sync.device_pending",                             "403 sync.device_pending", "403 sync.device_pending", "403 sync.device_pending", "403 sync.device_pending"]),
    ("leader",                     "approved", Cred::Valid,         ["200", "200 approved",             "200 approved",            "200 refused auth.forbidden",                          "200",                     "200",                     "422 auth.forbidden",      "422 auth.forbidden"]),
    ("leader",                     "revoked",  Cred::Valid,         ["200", "200 revoked",              "200 revoked",             "200 refused sync.device_revoked flag device_revoked", "403 sync.device_revoked", "403 sync.device_revoked", "403 sync.device_revoked", "403 sync.device_revoked"]),
    ("township",                   "pending",  Cred::Valid,         ["200", "200 pending",              "200 pending",             "403 sync.device_pending",                             "403 sync.device_pending", "403 sync.device_pending", "403 sync.device_pending", "403 sync.device_pending"]),
    ("township",                   "approved", Cred::Valid,         ["200", "200 approved",             "200 approved",            "200 applied",                                         "200",                     "200",                     "422 auth.forbidden",      "422 auth.forbidden"]),
    ("township",                   "revoked",  Cred::Valid,         ["200", "200 revoked",              "200 revoked",             "200 refused sync.device_revoked flag device_revoked", "403 sync.device_revoked", "403 sync.device_revoked", "403 sync.device_revoked", "403 sync.device_revoked"]),
    ("department",                 "pending",  Cred::Valid,         ["200", "200 pending",              "200 pending",             "403 sync.device_pending",                             "403 sync.device_pending", "403 sync.device_pending", "403 sync.device_pending", "403 sync.device_pending"]),
    ("department",                 "approved", Cred::Valid,         ["200", "200 approved",             "200 approved",            "200 refused auth.forbidden",                          "200",                     "200",                     "422 auth.forbidden",      "422 auth.forbidden"]),
    ("department",                 "revoked",  Cred::Valid,         ["200", "200 revoked",              "200 revoked",             "200 refused sync.device_revoked flag device_revoked", "403 sync.device_revoked", "403 sync.device_revoked", "403 sync.device_revoked", "403 sync.device_revoked"]),
    // Approved devices of users who may no longer act: they learn their device's state, their
    // events are stored refused, and they read and decide nothing.
    ("office, user deactivated",   "approved", Cred::Valid,         ["200", "401 sync.bad_login",       "200 approved",            "200 refused auth.inactive",                           "422 auth.inactive",       "422 auth.inactive",       "422 auth.inactive",       "422 auth.inactive"]),
    ("township, user deactivated", "approved", Cred::Valid,         ["200", "401 sync.bad_login",       "200 approved",            "200 refused auth.inactive",                           "422 auth.inactive",       "422 auth.inactive",       "422 auth.inactive",       "422 auth.inactive"]),
    ("township, unit deactivated", "approved", Cred::Valid,         ["200", "401 sync.bad_login",       "200 approved",            "200 refused auth.unit_inactive",                      "422 auth.unit_inactive",  "422 auth.unit_inactive",  "422 auth.unit_inactive",  "422 auth.unit_inactive"]),
    // Any device above (a user who may not act joins with nothing: 401 sync.bad_login, see
    // `expected`).
    ("*",                          "*",        Cred::OtherKey,      ["200", "409 sync.device_conflict", "401 sync.bad_signature",  "401 sync.bad_signature",                              "401 sync.bad_signature",  "401 sync.bad_signature",  "401 sync.bad_signature",  "401 sync.bad_signature"]),
    ("*",                          "*",        Cred::Unsigned,      ["200", "401 sync.bad_login",       "401 sync.bad_signature",  "401 sync.bad_signature",                              "401 sync.bad_signature",  "401 sync.bad_signature",  "401 sync.bad_signature",  "401 sync.bad_signature"]),
    ("*",                          "*",        Cred::OtherRequest,  ["200", "409 sync.device_conflict", "401 sync.bad_signature",  "401 sync.bad_signature",                              "401 sync.bad_signature",  "401 sync.bad_signature",  "401 sync.bad_signature",  "401 sync.bad_signature"]),
    ("*",                          "*",        Cred::UnknownDevice, ["200", "200 pending",              "401 sync.device_unknown", "401 sync.device_unknown",                             "401 sync.device_unknown", "401 sync.device_unknown", "401 sync.device_unknown", "401 sync.device_unknown"]),
    ("*",                          "*",        Cred::ServerDevice,  ["200", "409 sync.device_conflict", "401 sync.bad_signature",  "401 sync.bad_signature",                              "401 sync.bad_signature",  "401 sync.bad_signature",  "401 sync.bad_signature",  "401 sync.bad_signature"]),
];

const CREDS: [Cred; 6] =
    [Cred::Valid, Cred::OtherKey, Cred::Unsigned, Cred::OtherRequest, Cred::UnknownDevice, Cred::ServerDevice];

fn expected(who: &str, state: &str, cred: Cred) -> [&'static str; 8] {
    let row = MATRIX
        .iter()
        .find(|(w, s, c, _)| (*w == who || *w == "*") && (*s == state || *s == "*") && *c == cred)
        .unwrap_or_else(|| panic!("no row for {who} {state} {cred:?}"));
    let mut cells = row.3;
    // A user who may not act joins with nothing, whatever the device (OtherRequest borrows
    // another, active user's login, and Unsigned is a wrong password anyway).
    if who.contains("deactivated") && cred != Cred::OtherRequest {
        cells[1] = "401 sync.bad_login";
    }
    cells
}

/// One device of the matrix: whose, in which state, and the one event it pushes.
struct Subject {
    who: &'static str,
    state: &'static str,
    login: String,
    dev: Device,
    event: taizhang_server::protocol::WireEvent,
}

/// Sends `method path body` with the headers `cred` makes for `dev`.
fn request(
    base: &str,
    dev: &Device,
    server_device: &str,
    cred: Cred,
    method: &str,
    path: &str,
    body: Option<Vec<u8>>,
) -> (u16, Value) {
    let bytes = body.clone().unwrap_or_default();
    let own = |m: &[u8]| sign_hex(&dev.key, m);
    let other_key = || sign_hex(&signing_key(&rand::random()), &request_message(method, path, &bytes));
    let (id, sig) = match cred {
        Cred::Valid => (dev.id.clone(), own(&request_message(method, path, &bytes))),
        Cred::OtherKey => (dev.id.clone(), other_key()),
        Cred::Unsigned => return send(base, method, path, PROTOCOL_VERSION, &[], body),
        Cred::OtherRequest if method == "GET" => {
            let other = format!("{path}{}x=1", if path.contains('?') { '&' } else { '?' });
            (dev.id.clone(), own(&request_message(method, &other, &bytes)))
        }
        Cred::OtherRequest => {
            let mut other = bytes.clone();
            other.push(b' ');
            (dev.id.clone(), own(&request_message(method, path, &other)))
        }
        Cred::UnknownDevice => (format!("dev-unknown-{}", uuid::Uuid::now_v7()), other_key()),
        Cred::ServerDevice => (server_device.to_string(), other_key()),
    };
    send(base, method, path, PROTOCOL_VERSION, &[(DEVICE_HEADER, &id), (SIGNATURE_HEADER, &sig)], body)
}

/// What a reply says, in the matrix's words.
fn cell(endpoint: &str, status: u16, v: &Value) -> String {
    if status != 200 {
        return format!("{status} {}", v["code"].as_str().unwrap_or("?"));
    }
    match endpoint {
        "join" | "device" | "decide" => format!("200 {}", v["state"].as_str().unwrap_or("?")),
        "push" => {
            let o = &v["outcomes"][0];
            let mut s = format!("200 {}", o["outcome"].as_str().unwrap_or("?"));
            if let Some(code) = o["reason"]["code"].as_str() {
                s += &format!(" {code}");
            }
            if let Some(flag) = o["flag"].as_str().filter(|f| !f.is_empty()) {
                s += &format!(" flag {flag}");
            }
            if o.is_null() {
                s += &format!(" stopped {}", v["stopped"]["code"]);
            }
            s
        }
        _ => "200".into(),
    }
}

fn join_as(d: &District, login: &str) -> Device {
    let dev = Device::new(login, &d.user_id(login));
    let password = if login == "admin" { ADMIN_PASSWORD } else { PASSWORD };
    let (s, v) = dev.join(&d.server.base, login, password);
    assert_eq!(s, 200, "{login}: {v}");
    dev
}

#[test]
fn every_role_and_credential_against_every_endpoint() {
    let d = District::new();
    let base = d.server.base.clone();
    let office_unit = d.store.user(&d.user_id("admin")).unwrap().unwrap().unit_id;
    let leaders = new_id();
    d.exec(
        "admin",
        Command::CreateUnit {
            unit_id: leaders.clone(),
            name: "区领导".into(),
            short_name: "区领导".into(),
            kind: UnitKind::Leadership,
        },
    );
    let t3 = new_id();
    d.exec(
        "admin",
        Command::CreateUnit {
            unit_id: t3.clone(),
            name: "三镇".into(),
            short_name: "三镇".into(),
            kind: UnitKind::Township,
        },
    );
    d.user("leader", &leaders, Role::Leader);
    d.user("admin2", &office_unit, Role::Office);
    d.user("t1x", &d.t1, Role::Township);
    d.user("t3", &t3, Role::Township);
    let server_device: String = {
        let mut c = postgres::Client::connect(&d.url, postgres::NoTls).unwrap();
        c.query_one("SELECT device_id FROM server_identity", &[]).unwrap().get(0)
    };

    let mut subjects = Vec::new();
    let plan: Vec<(&str, &str)> =
        vec![("office", "admin"), ("leader", "leader"), ("township", "t1"), ("department", "d1")];
    for (who, login) in plan {
        for state in ["pending", "approved", "revoked"] {
            subjects.push((who, state, login.to_string()));
        }
    }
    subjects.push(("office, user deactivated", "approved", "admin2".into()));
    subjects.push(("township, user deactivated", "approved", "t1x".into()));
    subjects.push(("township, unit deactivated", "approved", "t3".into()));
    let subjects: Vec<Subject> = subjects
        .into_iter()
        .map(|(who, state, login)| {
            let mut dev = join_as(&d, &login);
            if state != "pending" {
                d.store.decide_device(&dev.id, true, "admin", t0()).unwrap();
            }
            if state == "revoked" {
                d.store.decide_device(&dev.id, false, "admin", t0()).unwrap();
            }
            let event = dev.event(&visit(&d), t0());
            Subject { who, state, login, dev, event }
        })
        .collect();
    // Whom the office's decision approves, and whose login a wrong join borrows.
    let target = join_as(&d, "t2");
    // Users who may no longer act, after their devices were approved.
    for login in ["admin2", "t1x"] {
        let u = d.store.user(&d.user_id(login)).unwrap().unwrap();
        d.exec(
            "admin",
            Command::UpdateUser { user_id: u.id, name: u.name, unit_id: u.unit_id, role: u.role, active: false },
        );
    }
    d.exec("admin", Command::UpdateUnit { unit_id: t3, name: "三镇".into(), short_name: "三镇".into(), active: false });

    let mut wrong = Vec::new();
    let mut cells = 0;
    for s in &subjects {
        for cred in CREDS {
            let want = expected(s.who, s.state, cred);
            for (i, endpoint) in ENDPOINTS.iter().enumerate() {
                let (status, v) = call(&d, &base, s, &target, &server_device, cred, endpoint);
                let got = cell(endpoint, status, &v);
                cells += 1;
                if got != want[i] {
                    let reply: String = v.to_string().chars().take(300).collect();
                    wrong.push(format!(
                        "{} ({}) {cred:?} {endpoint}: expected {}, got {got}   {reply}",
                        s.who, s.state, want[i]
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{} of {cells} cells differ:\n{}", wrong.len(), wrong.join("\n"));
    assert_eq!(cells, 15 * 6 * 8);

    // A revoked device's push is stored flagged and folds nothing; the pending device's push
    // stored nothing; the approved township's and office's visits are the only ones folded.
    for s in &subjects {
        let stored = count(&d.url, &format!("SELECT count(*) FROM events WHERE id = '{}'", s.event.id));
        let flagged = count(
            &d.url,
            &format!("SELECT count(*) FROM events WHERE id = '{}' AND flag = 'device_revoked'", s.event.id),
        );
        assert_eq!(stored, i64::from(s.state != "pending"), "{} {}", s.who, s.state);
        assert_eq!(flagged, i64::from(s.state == "revoked"), "{} {}", s.who, s.state);
    }
    assert_eq!(count(&d.url, "SELECT count(*) FROM visits"), 2, "the office's and the township's visits only");
    assert_eq!(d.store.device(&target.id).unwrap().unwrap().state, "approved", "the office's decision");
    assert_eq!(d.store.verify().unwrap().broken, None);
}

fn new_id() -> String {
    taizhang_server::store::office::new_id(t0())
}

fn call(
    d: &District,
    base: &str,
    s: &Subject,
    target: &Device,
    server_device: &str,
    cred: Cred,
    endpoint: &str,
) -> (u16, Value) {
    let req = |method: &str, path: &str, body: Option<Vec<u8>>| {
        request(base, &s.dev, server_device, cred, method, path, body)
    };
    match endpoint {
        "health" => req("GET", "/v1/health", None),
        "join" => {
            let password = if s.login == "admin" { ADMIN_PASSWORD } else { PASSWORD };
            let mut dev = Device::new(&s.login, &s.dev.user_id);
            let (login, password) = match cred {
                Cred::Valid => (s.login.as_str(), password),
                Cred::OtherKey => {
                    dev.id = s.dev.id.clone();
                    (s.login.as_str(), password)
                }
                Cred::Unsigned => (s.login.as_str(), "wrong-password"),
                Cred::OtherRequest => {
                    dev.id = s.dev.id.clone();
                    dev.key = s.dev.key.clone();
                    ("t2", PASSWORD)
                }
                Cred::UnknownDevice => (s.login.as_str(), password),
                Cred::ServerDevice => {
                    dev.id = server_device.to_string();
                    (s.login.as_str(), password)
                }
            };
            if cred == Cred::Valid {
                dev.id = s.dev.id.clone();
                dev.key = s.dev.key.clone();
            }
            dev.join(&d.server.base, login, password)
        }
        "device" => req("GET", "/v1/device", None),
        "push" => req("POST", "/v1/push", Some(serde_json::to_vec(&json!({ "events": [&s.event] })).unwrap())),
        "pull" => req("GET", "/v1/pull?after=0&after_event=0&limit=10", None),
        "files" => req(
            "POST",
            "/v1/attachments/missing",
            Some(serde_json::to_vec(&json!({ "sha256": ["0".repeat(64)] })).unwrap()),
        ),
        "devices" => req("GET", "/v1/devices", None),
        "decide" => req(
            "POST",
            "/v1/devices/decide",
            Some(serde_json::to_vec(&json!({ "device_id": target.id, "approve": true })).unwrap()),
        ),
        other => unreachable!("{other}"),
    }
}

/// A request captured and sent again, byte for byte with its signature.
struct Captured {
    method: &'static str,
    path: &'static str,
    device: String,
    sig: String,
    body: Vec<u8>,
}

impl Captured {
    fn new(dev: &Device, method: &'static str, path: &'static str, body: Value) -> Captured {
        let body = if method == "GET" { Vec::new() } else { serde_json::to_vec(&body).unwrap() };
        let sig = sign_hex(&dev.key, &request_message(method, path, &body));
        Captured { method, path, device: dev.id.clone(), sig, body }
    }

    fn send(&self, base: &str) -> (u16, Value) {
        let headers = [(DEVICE_HEADER, self.device.as_str()), (SIGNATURE_HEADER, self.sig.as_str())];
        let body = (self.method != "GET").then(|| self.body.clone());
        send(base, self.method, self.path, PROTOCOL_VERSION, &headers, body)
    }
}

#[test]
fn a_replayed_request_does_nothing_new() {
    let d = District::new();
    let base = &d.server.base;
    let office = d.device("admin");
    let mut t1 = d.device("t1");
    let events_now = || count(&d.url, "SELECT count(*) FROM events");
    let visits_now = || count(&d.url, "SELECT count(*) FROM visits");

    // A push replayed: the same outcomes, nothing stored twice.
    let events: Vec<_> = (0..3).map(|_| t1.event(&visit(&d), t0())).collect();
    let push = Captured::new(&t1, "POST", "/v1/push", json!({ "events": events }));
    let first = push.send(base);
    assert_eq!(first.0, 200, "{}", first.1);
    let stored = (events_now(), visits_now());
    for _ in 0..3 {
        assert_eq!(push.send(base), first, "a replayed push gets the same reply");
    }
    assert_eq!((events_now(), visits_now()), stored, "and stores nothing");

    // A replayed approval cannot bring back a device the office revoked since.
    let newcomer = join_as(&d, "t2");
    let decide = |approve: bool| {
        Captured::new(&office, "POST", "/v1/devices/decide", json!({ "device_id": newcomer.id, "approve": approve }))
    };
    let (approve, revoke) = (decide(true), decide(false));
    let (s, v) = approve.send(base);
    assert_eq!(cell("decide", s, &v), "200 approved");
    let (s, v) = revoke.send(base);
    assert_eq!(cell("decide", s, &v), "200 revoked");
    let revoked = d.store.device(&newcomer.id).unwrap().unwrap();
    let (s, v) = approve.send(base);
    assert_eq!(cell("decide", s, &v), "403 sync.device_revoked", "{v}");
    let (s, v) = revoke.send(base);
    assert_eq!(cell("decide", s, &v), "200 revoked");
    assert_eq!(d.store.device(&newcomer.id).unwrap().unwrap(), revoked, "nothing changed, not even the time");
    let (s, v) = newcomer.pull(base, 0, 0, 10);
    assert_eq!(cell("pull", s, &v), "403 sync.device_revoked");

    // A decision captured from an office desktop revoked since: refused, nothing decided.
    let second_office = d.device("admin");
    let waiting = join_as(&d, "t2");
    let captured = Captured::new(
        &second_office,
        "POST",
        "/v1/devices/decide",
        json!({ "device_id": waiting.id, "approve": true }),
    );
    d.store.decide_device(&second_office.id, false, "admin", t0()).unwrap();
    let (s, v) = captured.send(base);
    assert_eq!(cell("decide", s, &v), "403 sync.device_revoked");
    assert_eq!(d.store.device(&waiting.id).unwrap().unwrap().state, "pending");

    // The township's desktop revoked: its old push replayed is answered from the stored rows
    // as before; a new event is stored flagged, refused and not folded, and its replay adds
    // nothing; a replayed pull is refused.
    let pull = Captured::new(&t1, "GET", "/v1/pull?after=0&after_event=0&limit=10", Value::Null);
    assert_eq!(pull.send(base).0, 200);
    d.store.decide_device(&t1.id, false, "admin", t0()).unwrap();
    assert_eq!(push.send(base), first, "what was stored stays as it was answered");
    let late = t1.event(&visit(&d), t0());
    let late_push = Captured::new(&t1, "POST", "/v1/push", json!({ "events": [late] }));
    let (s, v) = late_push.send(base);
    assert_eq!(cell("push", s, &v), "200 refused sync.device_revoked flag device_revoked");
    let stored = (events_now(), visits_now());
    assert_eq!(late_push.send(base), (s, v));
    assert_eq!((events_now(), visits_now()), stored);
    assert_eq!(visits_now(), 3, "only the three visits pushed while approved are folded");
    let (s, v) = pull.send(base);
    assert_eq!(cell("pull", s, &v), "403 sync.device_revoked");
    assert_eq!(d.store.verify().unwrap().broken, None);
}

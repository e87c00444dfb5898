//! A small blocking W3C WebDriver client (classic protocol) for the desktop app under
//! tauri-driver + WebKitWebDriver: a few plain HTTP calls with explicit timeouts, so a stuck
//! call fails instead of hanging. Used by the end-to-end test and the bench's desktop rows.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The key under which W3C WebDriver returns an element reference.
pub const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A port nobody listens on now (tauri-driver and WebKitWebDriver get one each, so a
/// leftover driver from another run cannot answer in their place).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// tauri-driver in a process group of its own, killed with WebKitWebDriver, the app and
/// WebKit's processes when dropped (killing only tauri-driver would leave them running).
pub struct TauriDriver {
    child: Child,
    pub port: u16,
}

impl TauriDriver {
    /// Starts tauri-driver on `port` for an app whose data folder is `data_dir`; on `display`
    /// when given (else the inherited `DISPLAY`); its stderr shown, or dropped when `quiet`.
    pub fn start(port: u16, data_dir: &Path, display: Option<&str>, quiet: bool) -> std::io::Result<TauriDriver> {
        use std::os::unix::process::CommandExt;
        let mut cmd = Command::new("tauri-driver");
        cmd.process_group(0)
            .args(["--port", &port.to_string(), "--native-port", &free_port().to_string()])
            .env("TAIZHANG_DATA_DIR", data_dir)
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .stdout(Stdio::null())
            .stderr(if quiet { Stdio::null() } else { Stdio::inherit() });
        if let Some(d) = display {
            cmd.env("DISPLAY", d);
        }
        Ok(TauriDriver { child: cmd.spawn()?, port })
    }

    /// The process id of tauri-driver (the app and WebKit run under it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The driver's root URL.
    pub fn root(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        // `--` matters: without it procps `kill` may read the negative group id as an option.
        let _ = Command::new("kill").args(["-s", "KILL", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP agent that returns error statuses as responses and gives up after 90 s.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(90)))
        .build()
        .into()
}

/// Whether the driver at `root` says it is ready for a new session (one `/status` call).
pub fn ready(agent: &ureq::Agent, root: &str) -> bool {
    agent
        .get(&format!("{root}/status"))
        .call()
        .ok()
        .and_then(|mut r| r.body_mut().read_json::<Value>().ok())
        .is_some_and(|v| v["value"]["ready"] == true)
}

/// One new-session request that starts `app`; `None` when the driver does not give one yet.
pub fn try_session(agent: &ureq::Agent, root: &str, app: &Path) -> Option<Session> {
    let caps =
        json!({ "capabilities": { "alwaysMatch": { "browserName": "wry", "tauri:options": { "application": app } } } });
    let mut r = agent.post(&format!("{root}/session")).send_json(&caps).ok()?;
    let v: Value = r.body_mut().read_json().unwrap_or_default();
    let id = v["value"]["sessionId"].as_str()?;
    Some(Session { agent: agent.clone(), base: format!("{root}/session/{id}") })
}

/// One WebDriver session.
pub struct Session {
    agent: ureq::Agent,
    base: String,
}

impl Session {
    /// `method` on the session's `path`; the response's `value`, or the driver's message.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}{}", self.base, path);
        let resp = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, b) => self.agent.post(&url).send_json(b.unwrap_or(json!({}))),
        };
        let mut resp = resp.map_err(|e| format!("{method} {path}: {e}"))?;
        let ok = resp.status().is_success();
        let v: Value = resp.body_mut().read_json().map_err(|e| format!("{method} {path}: {e}"))?;
        if ok {
            Ok(v["value"].clone())
        } else {
            Err(format!("{method} {path}: {}", v["value"]["message"].as_str().unwrap_or(&v.to_string())))
        }
    }

    /// The elements found `using` a strategy ("css selector", "xpath"); none on any error.
    pub fn find_all(&self, using: &str, value: &str) -> Vec<String> {
        self.call("POST", "/elements", Some(json!({ "using": using, "value": value })))
            .ok()
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e[ELEMENT].as_str().map(str::to_string))
            .collect()
    }

    /// The first element matching `css`.
    pub fn find(&self, css: &str) -> Option<String> {
        self.find_all("css selector", css).into_iter().next()
    }

    /// GET (no body) or POST `what` on element `id`.
    pub fn element(&self, id: &str, what: &str, body: Option<Value>) -> Result<Value, String> {
        self.call(if body.is_some() { "POST" } else { "GET" }, &format!("/element/{id}/{what}"), body)
    }

    /// Polls `every` until `css` is in the page, for at most `timeout`.
    pub fn wait(&self, css: &str, timeout: Duration, every: Duration) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(el) = self.find(css) {
                return Ok(el);
            }
            if Instant::now() > deadline {
                return Err(format!("timed out waiting for {css}"));
            }
            std::thread::sleep(every);
        }
    }

    /// Clicks the first element matching `css`, retrying `every` until it is there and takes
    /// the click, for at most `timeout`.
    pub fn click(&self, css: &str, timeout: Duration, every: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            let last = match self.find(css) {
                Some(el) => match self.element(&el, "click", Some(json!({}))) {
                    Ok(_) => return Ok(()),
                    Err(e) => e,
                },
                None => format!("{css} not found"),
            };
            if Instant::now() > deadline {
                return Err(format!("clicking {css}: {last}"));
            }
            std::thread::sleep(every);
        }
    }
}

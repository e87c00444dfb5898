//! The suite's harness: the app started under tauri-driver, and `Ui`, the window as a person
//! drives it (find by test id, wait, click, type, read, take a screenshot).
//!
//! The WebDriver client (`taizhang_testsupport::webdriver`, shared with the bench) is a few
//! plain HTTP calls (W3C classic protocol), blocking and with explicit timeouts, so a stuck
//! call fails the test instead of hanging it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use taizhang_testsupport::webdriver::{self, free_port, Session, TauriDriver, ELEMENT};

pub(crate) fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn app_binary() -> PathBuf {
    let p = std::env::var_os("TAIZHANG_E2E_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/debug/taizhang-desktop"));
    assert!(
        p.exists(),
        "build the app first: cargo build -p taizhang-desktop --features custom-protocol ({})",
        p.display()
    );
    p
}

fn start_driver(data_dir: &Path, port: u16) -> TauriDriver {
    TauriDriver::start(port, data_dir, None, false).expect("tauri-driver on PATH (cargo install tauri-driver --locked)")
}

/// tauri-driver accepts connections before WebKitWebDriver listens: poll /status, then retry
/// opening the session.
fn open_session(driver: &TauriDriver) -> Session {
    let agent = webdriver::agent();
    let root = driver.root();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if webdriver::ready(&agent, &root) {
            if let Some(s) = webdriver::try_session(&agent, &root, &app_binary()) {
                return s;
            }
        }
        assert!(Instant::now() < deadline, "no WebDriver session from tauri-driver");
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// The app on the data folder `data`, started and driven: keep the driver while the window is
/// used. Screenshots go to target/e2e-screenshots.
pub(crate) fn open_window(data: &Path) -> (TauriDriver, Ui) {
    let shots = workspace().join("target/e2e-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let driver = start_driver(data, free_port());
    let ui = Ui { s: open_session(&driver), shots };
    (driver, ui)
}

/// The app as a person drives it: find by test id, wait, click, type, read.
pub(crate) struct Ui {
    pub(crate) s: Session,
    pub(crate) shots: PathBuf,
}

/// A 1×1 grey PNG, for a machine without ImageMagick to draw a photo.
pub(crate) const TINY_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00\x3a\x7e\x9b\x55\x00\x00\x00\x0aIDATx\x9c\x63\x68\x00\x00\x00\x82\x00\x81\x77\xcd\x72\xb6\x00\x00\x00\x00IEND\xae\x42\x60\x82";

pub(crate) fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

impl Ui {
    pub(crate) fn poll<T>(&self, what: &str, secs: u64, mut f: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(v) = f() {
                return v;
            }
            if Instant::now() > deadline {
                self.shot("failure");
                panic!("timed out: {what}");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub(crate) fn wait(&self, css: &str) -> String {
        self.poll(&format!("waiting for {css}"), 30, || self.s.find_all("css selector", css).into_iter().next())
    }

    pub(crate) fn by(&self, id: &str) -> String {
        self.wait(&tid(id))
    }

    pub(crate) fn exists(&self, id: &str) -> bool {
        !self.s.find_all("css selector", &tid(id)).is_empty()
    }

    pub(crate) fn click(&self, id: &str) {
        self.click_css(&tid(id));
    }

    pub(crate) fn click_css(&self, css: &str) {
        let mut last = String::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(el) = self.s.find_all("css selector", css).into_iter().next() {
                match self.s.element(&el, "click", Some(json!({}))) {
                    Ok(_) => return,
                    Err(e) => last = e,
                }
            }
            if Instant::now() > deadline {
                self.shot("failure");
                panic!("clicking {css}: {last}");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Types into the input or textarea inside (or at) a test id.
    pub(crate) fn fill(&self, id: &str, text: &str) {
        let css = format!("{t} input, {t} textarea, input{t}, textarea{t}", t = tid(id));
        let el = self.wait(&css);
        // Empty it the way an edit does (an `input` event), which Vue's v-model hears; WebDriver's
        // own clear does not always reach it.
        let clear = "arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input', { bubbles: true }));";
        self.s
            .call("POST", "/execute/sync", Some(json!({ "script": clear, "args": [{ ELEMENT: el }] })))
            .unwrap_or_else(|e| panic!("clear {id}: {e}"));
        if !text.is_empty() {
            self.s
                .element(&el, "value", Some(json!({ "text": text })))
                .unwrap_or_else(|e| panic!("type into {id}: {e}"));
        }
    }

    pub(crate) fn press_enter(&self, id: &str) {
        let css = format!("{t} input, {t} textarea, input{t}, textarea{t}", t = tid(id));
        let el = self.wait(&css);
        self.s.element(&el, "value", Some(json!({ "text": "\u{E007}" }))).unwrap();
    }

    pub(crate) fn text(&self, id: &str) -> String {
        let el = self.by(id);
        self.s.element(&el, "text", None).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }

    /// Waits until the element's text contains `want`.
    pub(crate) fn wait_text(&self, id: &str, want: &str) -> String {
        self.poll(&format!("{id} showing {want:?}"), 30, || {
            let el = self.s.find_all("css selector", &tid(id)).into_iter().next()?;
            let t = self.s.element(&el, "text", None).ok()?.as_str()?.to_string();
            t.contains(want).then_some(t)
        })
    }

    /// Clicks through the page's own script: WebKitWebDriver refuses a click on a control inside
    /// a pinned (sticky) table cell, which a person's click reaches.
    pub(crate) fn click_js(&self, id: &str) {
        let css = tid(id);
        self.wait(&css);
        let click = "const el = document.querySelector(arguments[0]); if (el) el.click(); return !!el;";
        let r = self.s.call("POST", "/execute/sync", Some(json!({ "script": click, "args": [css] }))).unwrap();
        assert_eq!(r, json!(true), "{id} is there");
    }

    /// Waits until nothing on the page has this test id.
    pub(crate) fn gone(&self, id: &str) {
        self.poll(&format!("{id} gone"), 30, || (!self.exists(id)).then_some(()));
    }

    /// Opens a select (by test id) and clicks the visible option with this exact text.
    pub(crate) fn choose(&self, id: &str, option_text: &str) {
        self.click(id);
        // Let the dropdown finish opening: a click during its animation can land on a neighbour.
        std::thread::sleep(Duration::from_millis(500));
        let xpath = format!("//li[contains(@class,'el-select-dropdown__item')][normalize-space(.)='{option_text}']");
        self.poll(&format!("option {option_text:?} in {id}"), 10, || {
            for el in self.s.find_all("xpath", &xpath) {
                let shown = self.s.element(&el, "displayed", None).ok().and_then(|v| v.as_bool()).unwrap_or(false);
                if !shown {
                    continue;
                }
                let center = "arguments[0].scrollIntoView({ block: 'center' });";
                let _ =
                    self.s.call("POST", "/execute/sync", Some(json!({ "script": center, "args": [{ ELEMENT: el }] })));
                std::thread::sleep(Duration::from_millis(200));
                if self.s.element(&el, "click", Some(json!({}))).is_ok() {
                    return Some(());
                }
            }
            None
        });
        // What the select now holds (textContent: a multi-select's tags are not all "visible" text).
        let el = self.by(id);
        let read = "return arguments[0].textContent;";
        let held = self
            .s
            .call("POST", "/execute/sync", Some(json!({ "script": read, "args": [{ ELEMENT: el }] })))
            .unwrap_or_default();
        if !held.as_str().unwrap_or_default().contains(option_text) {
            self.shot("failure");
            panic!("{id} holds {held} after choosing {option_text:?}");
        }
        // A multi-select stays open and can cover what comes next: close it with a real click
        // on the dialog's title.
        std::thread::sleep(Duration::from_millis(300));
        for title in self.s.find_all("css selector", ".el-dialog__title") {
            if self.s.element(&title, "displayed", None).ok().and_then(|v| v.as_bool()).unwrap_or(false) {
                let _ = self.s.element(&title, "click", Some(json!({})));
            }
        }
        std::thread::sleep(Duration::from_millis(300));
    }

    /// A screenshot of the virtual display. (WebKitWebDriver's own screenshot command can hang
    /// under Xvfb, so ImageMagick grabs the screen instead.)
    pub(crate) fn shot(&self, name: &str) {
        std::thread::sleep(Duration::from_millis(400));
        let file = self.shots.join(format!("{name}.png"));
        let status = Command::new("timeout").args(["20", "import", "-window", "root"]).arg(&file).status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("screenshot {name} failed");
        }
    }

    /// Keeps the page as it stands beside the screenshots (`<name>.html`), to render it to PDF
    /// and check the printed A4 layout (docs/documents.md, docs/monitoring.md "Printing").
    pub(crate) fn keep_page(&self, name: &str) {
        let script = json!({ "script": "return document.documentElement.outerHTML;", "args": [] });
        if let Ok(Value::String(html)) = self.s.call("POST", "/execute/sync", Some(script)) {
            let _ = std::fs::write(self.shots.join(format!("{name}.html")), html);
        }
    }

    pub(crate) fn sign_in(&self, login: &str) {
        self.click(&format!("signin-user-{login}"));
        self.click("signin-submit");
        self.by("header-user");
    }

    pub(crate) fn switch_user(&self, login: &str) {
        self.click("header-switch-user");
        self.sign_in(login);
    }

    pub(crate) fn open_problem(&self, number: &str) {
        self.click("nav-ledger");
        // The ledger view puts back the last search as it mounts: typed before that lands, the
        // number is appended to the old one (seen once: "2026-城关-01162026-城关-0117"). Type
        // again until the box holds the number alone.
        let read = "const t = arguments[0]; \
                    const el = document.querySelector(`input${t}, ${t} input`); return el ? el.value : null;";
        self.poll("the ledger's search box to hold the number", 10, || {
            self.fill("ledger-search", number);
            std::thread::sleep(Duration::from_millis(300));
            let value = self
                .s
                .call("POST", "/execute/sync", Some(json!({ "script": read, "args": [tid("ledger-search")] })))
                .ok()?;
            (value.as_str() == Some(number)).then_some(())
        });
        // A click on a row opens the side drawer (issue 19); the number is the full page's
        // link. It sits in a pinned cell, which WebKitWebDriver refuses to click, and the list
        // re-renders while the search settles: the page clicks the link itself, and after a few
        // tries the test goes by the link's target instead.
        let link = tid(&format!("row-open-{number}"));
        self.wait(&link);
        let click = "const el = document.querySelector(arguments[0]); if (el) el.click(); return !!el;";
        let deadline = Instant::now() + Duration::from_secs(6);
        let clicked = loop {
            let ok = self
                .s
                .call("POST", "/execute/sync", Some(json!({ "script": click, "args": [link] })))
                .is_ok_and(|r| r == json!(true));
            if ok || Instant::now() > deadline {
                break ok;
            }
            std::thread::sleep(Duration::from_millis(300));
        };
        if !clicked {
            let go = "location.hash = '#/app/problem/' + encodeURIComponent(arguments[0]);";
            self.s.call("POST", "/execute/sync", Some(json!({ "script": go, "args": [number] }))).unwrap();
        }
        self.wait_text("problem-number", number);
    }

    /// Signs in as `login`, opens the problem and starts `action` on it.
    pub(crate) fn begin(&self, login: &str, number: &str, action: &str) {
        self.switch_user(login);
        self.open_problem(number);
        self.act(action);
    }

    /// Opens an action's dialog (from the buttons the core allowed).
    pub(crate) fn act(&self, action: &str) {
        self.click(&format!("action-{action}"));
        self.by("action-dialog");
    }

    /// Submits the open action dialog and waits until it closes with the problem in `status`.
    pub(crate) fn submit(&self, status: &str) {
        self.click("action-submit");
        self.poll(&format!("status {status}"), 30, || {
            if let Some(err) = self.s.find_all("css selector", &tid("action-error")).into_iter().next() {
                let t = self.s.element(&err, "text", None).ok()?.as_str()?.to_string();
                if !t.is_empty() {
                    self.shot("failure");
                    panic!("the action was refused: {t}");
                }
            }
            let open = self
                .s
                .find_all("css selector", &tid("action-dialog"))
                .into_iter()
                .any(|d| self.s.element(&d, "displayed", None).ok().and_then(|v| v.as_bool()).unwrap_or(false));
            let el = self.s.find_all("css selector", &tid("problem-status")).into_iter().next()?;
            let t = self.s.element(&el, "text", None).ok()?.as_str()?.to_string();
            (!open && t.contains(status)).then_some(())
        });
    }

    pub(crate) fn timeline_kinds(&self) -> Vec<String> {
        self.s
            .find_all("css selector", "[data-testid=\"timeline\"] > li")
            .iter()
            .filter_map(|el| self.s.element(el, "attribute/data-testid", None).ok()?.as_str().map(str::to_string))
            .map(|k| k.trim_start_matches("timeline-").to_string())
            .collect()
    }

    /// Calls a Rust command the way the UI would, bypassing the UI: the core must still refuse.
    pub(crate) fn invoke_directly(&self, cmd: &str, args: Value) -> Value {
        let script = "const [cmd, args, done] = arguments;
            window.__TAURI_INTERNALS__.invoke(cmd, args).then(v => done({ ok: v }), e => done({ err: e }));";
        self.s.call("POST", "/execute/async", Some(json!({ "script": script, "args": [cmd, args] }))).unwrap()
    }
}

pub(crate) fn beijing_today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

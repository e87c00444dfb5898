//! End to end through the real window: tauri-driver + WebKitWebDriver drive the built desktop
//! app (`taizhang-desktop`, built with `custom-protocol`) under Xvfb. `make test` builds the app,
//! installs the driver and runs this with `--ignored` inside `xvfb-run`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const PORT: u16 = 4444;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn app_binary() -> PathBuf {
    let p = std::env::var_os("TAIZHANG_E2E_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/debug/taizhang-desktop"));
    assert!(p.exists(), "build the app first: cargo build -p taizhang-desktop --features custom-protocol ({})", p.display());
    p
}

/// tauri-driver, killed when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_driver(data_dir: &Path) -> Driver {
    let child = Command::new("tauri-driver")
        .args(["--port", &PORT.to_string()])
        .env("TAIZHANG_DATA_DIR", data_dir)
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("tauri-driver on PATH (cargo install tauri-driver --locked)");
    Driver(child)
}

/// tauri-driver accepts connections before WebKitWebDriver listens: poll /status.
async fn wait_ready() {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ok = tokio::task::spawn_blocking(|| {
            std::net::TcpStream::connect(("127.0.0.1", PORT)).is_ok_and(|mut s| {
                use std::io::{Read, Write};
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let _ = s.write_all(b"GET /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                let mut buf = String::new();
                let _ = s.read_to_string(&mut buf);
                buf.contains("\"ready\":true") || buf.contains("\"ready\": true")
            })
        })
        .await
        .unwrap();
        if ok {
            return;
        }
        assert!(Instant::now() < deadline, "tauri-driver did not become ready");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

async fn connect() -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("tauri:options".into(), json!({ "application": app_binary() }));
    caps.insert("browserName".into(), json!("wry"));
    let mut last = None;
    for _ in 0..20 {
        match ClientBuilder::native().capabilities(caps.clone()).connect(&format!("http://127.0.0.1:{PORT}")).await {
            Ok(c) => return c,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("no WebDriver session: {last:?}");
}

/// A session on the app with helpers that wait the way a person does.
struct Ui {
    c: Client,
    shots: PathBuf,
}

fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

impl Ui {
    async fn wait(&self, css: &str) -> Element {
        self.c
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
    }

    async fn by(&self, id: &str) -> Element {
        self.wait(&tid(id)).await
    }

    async fn click(&self, id: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let el = self.by(id).await;
            match el.click().await {
                Ok(()) => return,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("click {id}: {e}"),
            }
        }
    }

    /// Types into the input or textarea inside (or at) a test id.
    async fn fill(&self, id: &str, text: &str) {
        let css = format!("{t} input, {t} textarea, input{t}, textarea{t}", t = tid(id));
        let el = self.wait(&css).await;
        el.clear().await.ok();
        el.send_keys(text).await.unwrap_or_else(|e| panic!("type into {id}: {e}"));
    }

    async fn text(&self, id: &str) -> String {
        self.by(id).await.text().await.unwrap()
    }

    /// Waits until the element's text contains `want`.
    async fn wait_text(&self, id: &str, want: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(el) = self.c.find(Locator::Css(&tid(id))).await {
                if let Ok(t) = el.text().await {
                    if t.contains(want) {
                        return t;
                    }
                    if Instant::now() > deadline {
                        self.shot("failure").await;
                        panic!("{id} shows {t:?}, expected {want:?}");
                    }
                }
            }
            assert!(Instant::now() < deadline, "{id} never appeared");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Opens a select (by test id) and clicks the visible option with this exact text.
    async fn choose(&self, id: &str, option_text: &str) {
        self.click(id).await;
        let xpath = format!(
            "//li[contains(@class,'el-select-dropdown__item')][normalize-space(.)='{option_text}']"
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            for el in self.c.find_all(Locator::XPath(&xpath)).await.unwrap_or_default() {
                if el.is_displayed().await.unwrap_or(false) && el.click().await.is_ok() {
                    // Close a multi-select's dropdown.
                    let _ = self.c.execute("document.activeElement && document.activeElement.blur()", vec![]).await;
                    return;
                }
            }
            if Instant::now() > deadline {
                self.shot("failure").await;
                panic!("no visible option {option_text:?} in {id}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn shot(&self, name: &str) {
        if let Ok(png) = self.c.screenshot().await {
            let _ = std::fs::write(self.shots.join(format!("{name}.png")), png);
        }
    }
}

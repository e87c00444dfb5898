//! The desktop rows: cold start of the real app to the ledger shown, and its memory, with the
//! benchmark's ledger open. The app (`target/release/taizhang-desktop`, built with
//! `custom-protocol`) is driven as in `tests/e2e/`: tauri-driver + WebKitWebDriver, under
//! Xvfb when there is no display, through the small W3C WebDriver client of
//! `taizhang-testsupport` (`webdriver`), the one the e2e test uses.
//!
//! One launch: a fresh data folder whose recent list names the ledger; tauri-driver started and
//! ready; the page cache dropped (cold; warm when that is not allowed); then timed from the
//! new-session request (which starts the app) to
//!   1. the start screen listing the ledger,
//!   2. the sign-in screen listing its users, after clicking the ledger,
//!   3. the first rows of the ledger page, after signing in (the office lands on its
//!      督办中心) and clicking 台账 as soon as the menu shows.
//!
//! Memory: PSS and RSS (`/proc/PID/smaps_rollup`) of the app and every process under it
//! (WebKitWebProcess, WebKitNetworkProcess), two seconds after the rows show.
//!
//! Without the app, the drivers or a display the rows say why they were not measured.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use taizhang_testsupport::webdriver::{self, free_port, TauriDriver};

use super::{pct, row, secs, Args, Row};

const START: &str = "Desktop cold start to the ledger shown";
const MEMORY: &str = "Memory with the ledger open";
/// How often a wait or a click polls the page.
const POLL: Duration = Duration::from_millis(25);

fn names(problems: i64) -> (String, String) {
    let n = super::thousands(problems as f64);
    (
        format!("{START} ({n} problems): launch → first rows of the ledger page, through the start screen, sign-in and the dashboard (median)"),
        format!("{MEMORY} ({n} problems): PSS of the app and its WebKit processes (RSS sum)"),
    )
}

/// The cold start's target, and issue 20's for the rows after sign-in.
const START_TARGET: &str = "≤ 1 s; sign-in → ledger rows ≤ 0.5 s";
/// Issue 20's: WebKitGTK alone is ≈ 236–250 MB at the start screen, so this is its floor plus
/// what the app adds (the earlier target was 200 MB).
const MEMORY_TARGET: &str = "≤ 280 MB";

pub fn bench(a: &Args, ledger: &Path, problems: i64, rows: &mut Vec<Row>, facts: &mut Vec<String>) {
    let (start_name, memory_name) = names(problems);
    match measure(a, ledger) {
        Ok(m) => {
            let n = m.launches.len();
            let med = |f: fn(&Launch) -> f64| pct(&m.launches.iter().map(f).collect::<Vec<_>>(), 0.5);
            let (screen, signin, ledger_rows, total) = (
                med(|l| l.start_screen),
                med(|l| l.signin_screen - l.start_screen),
                med(|l| l.rows - l.signin_screen),
                med(|l| l.rows),
            );
            let (pss, rss) = (med(|l| l.pss_mb), med(|l| l.rss_mb));
            let session = med(|l| l.session);
            let cache = if m.cold {
                "cold: page cache dropped before each launch"
            } else {
                "warm: the page cache could not be dropped (not root)"
            };
            rows.push(row(
                &start_name,
                format!(
                    "{} (start screen {}; open → sign-in screen {}; sign-in → ledger rows {}) — {cache}",
                    secs(total),
                    secs(screen),
                    secs(signin),
                    secs(ledger_rows)
                ),
                "—".into(),
                "—".into(),
                START_TARGET,
                Some(total <= 1.0 && ledger_rows <= 0.5),
            ).limited_by("WebKitGTK starting its web and network processes from a cold page cache: ≈ 0.6 s before the webview answers; after sign-in, the office's 督办中心 (six counts and a page) and the bell read beside the ledger's first page on two cores"));
            rows.push(
                row(
                    &memory_name,
                    format!("{pss:.0} MB PSS ({rss:.0} MB RSS) in {} processes", m.launches[0].processes),
                    "—".into(),
                    "—".into(),
                    MEMORY_TARGET,
                    Some(pss <= 280.0),
                )
                .limited_by("WebKitGTK's own floor: ≈ 250 MB PSS at the start screen, before any ledger is open"),
            );
            let each: Vec<String> =
                m.launches.iter().map(|l| format!("{:.2} s / {:.0} MB", l.rows, l.pss_mb)).collect();
            facts.push(format!(
                "Desktop: {n} launches of `target/release/taizhang-desktop` ({cache}) through tauri-driver + WebKitWebDriver{}, each with a fresh data folder whose recent list names `{}`; timed from the WebDriver new-session request that starts the app to: the start screen listing the ledger, the sign-in screen after clicking it (`ledger_open`: identity check, migrations, settings — the chain check and the backup on open run afterwards in the background), and the first of 50 rows of the ledger page after signing in as office_wang (the office lands on its 督办中心: the six queues' counts and the first page of 待交办; 台账 is clicked as soon as the menu shows). Clicks and polls are WebDriver round trips (polled every 25 ms), included. Memory two seconds after the rows show: PSS and RSS from `/proc/PID/smaps_rollup`, summed over the app and every process under it. The new-session request itself (WebKitWebDriver starting the app and its webview) was answered after {} (median). Each launch (rows / PSS): {}; PSS by process in the last: {}.{}",
                if m.xvfb { " under Xvfb (1600×1000)" } else { "" },
                ledger.display(),
                secs(session),
                each.join(", "),
                m.launches.last().map(|l| l.by_process.as_str()).unwrap_or_default(),
                m.chain_note.as_deref().map(|s| format!(" {s}")).unwrap_or_default()
            ));
        }
        Err(why) => {
            eprintln!("desktop: not measured: {why}");
            rows.push(row(&start_name, format!("not measured: {why}"), "—".into(), "—".into(), START_TARGET, None));
            rows.push(row(&memory_name, format!("not measured: {why}"), "—".into(), "—".into(), MEMORY_TARGET, None));
        }
    }
}

struct Launch {
    /// The new-session request answered: WebKitWebDriver has started the app and its webview.
    session: f64,
    start_screen: f64,
    signin_screen: f64,
    rows: f64,
    pss_mb: f64,
    rss_mb: f64,
    processes: usize,
    /// PSS of each process, for the notes.
    by_process: String,
}

struct Measured {
    launches: Vec<Launch>,
    cold: bool,
    xvfb: bool,
    chain_note: Option<String>,
}

fn on_path(cmd: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(cmd).is_file()))
}

fn measure(a: &Args, ledger: &Path) -> Result<Measured, String> {
    let app = std::env::var_os("BENCH_DESKTOP_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| "target/release/taizhang-desktop".into());
    let app = app
        .canonicalize()
        .map_err(|_| format!("the desktop app is not built ({}; make bench builds it)", app.display()))?;
    let ledger = ledger.canonicalize().map_err(|e| format!("{}: {e}", ledger.display()))?;
    for tool in ["tauri-driver", "WebKitWebDriver"] {
        if !on_path(tool) {
            return Err(format!("{tool} is not installed (scripts/install-deps.sh installs it)"));
        }
    }
    let display = Display::get()?;
    let runs: usize = std::env::var("BENCH_DESKTOP_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5).max(1);
    let mut launches = Vec::new();
    let mut cold = true;
    let mut chain_note = None;
    for i in 0..runs {
        let last = i + 1 == runs;
        let (l, was_cold, note) =
            launch(a, &app, &ledger, &display.name, i, last).map_err(|e| format!("launch {}: {e}", i + 1))?;
        eprintln!(
            "  desktop launch {}: session {:.2} s, start screen {:.2} s, sign-in screen {:.2} s, ledger rows {:.2} s; PSS {:.0} MB, RSS {:.0} MB ({} processes){}",
            i + 1,
            l.session,
            l.start_screen,
            l.signin_screen,
            l.rows,
            l.pss_mb,
            l.rss_mb,
            l.processes,
            if was_cold { "" } else { " (warm)" }
        );
        cold &= was_cold;
        if note.is_some() {
            chain_note = note;
        }
        launches.push(l);
    }
    Ok(Measured { launches, cold, xvfb: display.xvfb.is_some(), chain_note })
}

/// The display to run on: the session's, or an Xvfb of our own.
struct Display {
    name: String,
    xvfb: Option<Child>,
}

impl Display {
    fn get() -> Result<Display, String> {
        if let Ok(d) = std::env::var("DISPLAY") {
            if !d.is_empty() {
                return Ok(Display { name: d, xvfb: None });
            }
        }
        if !on_path("Xvfb") {
            return Err("no display (DISPLAY is unset) and no Xvfb to make one".into());
        }
        // -displayfd: Xvfb picks a free display number and writes it to our pipe when ready.
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("Xvfb: {e}"))?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).map_err(|e| format!("Xvfb: {e}"))?;
        let n = line.trim();
        if n.is_empty() {
            let _ = child.kill();
            return Err("Xvfb did not start".into());
        }
        Ok(Display { name: format!(":{n}"), xvfb: Some(child) })
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(c) = self.xvfb.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Drops the page cache (as root); false when not allowed.
fn drop_caches() -> bool {
    let _ = Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

fn launch(
    a: &Args,
    app: &Path,
    ledger: &Path,
    display: &str,
    i: usize,
    last: bool,
) -> Result<(Launch, bool, Option<String>), String> {
    let data = std::path::absolute(a.dir.join(format!("desktop-data-{i}"))).map_err(|e| format!("data folder: {e}"))?;
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).map_err(|e| format!("data folder: {e}"))?;
    struct Cleanup(PathBuf);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            // BENCH_KEEP_DESKTOP_DATA=1 keeps each launch's data folder, its log (`logs/`) with
            // the app's slow calls included.
            if std::env::var("BENCH_KEEP_DESKTOP_DATA").is_ok_and(|v| v == "1") {
                return;
            }
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _cleanup = Cleanup(data.clone());
    std::fs::write(data.join("recent.json"), serde_json::to_string(&[ledger.display().to_string()]).unwrap())
        .map_err(|e| format!("recent.json: {e}"))?;

    let port = free_port();
    let driver = TauriDriver::start(port, &data, Some(display), true).map_err(|e| format!("tauri-driver: {e}"))?;
    let agent = webdriver::agent();
    let root = driver.root();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !webdriver::ready(&agent, &root) {
        if Instant::now() > deadline {
            return Err("tauri-driver never became ready".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }

    // BENCH_DESKTOP_WARM=1 keeps the page cache, to see what the disk costs.
    let cold = std::env::var_os("BENCH_DESKTOP_WARM").is_none() && drop_caches();
    let t0 = Instant::now();
    let s = loop {
        if let Some(s) = webdriver::try_session(&agent, &root, app) {
            break s;
        }
        if t0.elapsed() > Duration::from_secs(60) {
            return Err("no WebDriver session".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let session = t0.elapsed().as_secs_f64();
    s.wait("[data-testid=\"recent-0\"]", Duration::from_secs(60), POLL)?;
    let start_screen = t0.elapsed().as_secs_f64();
    // Once: the memory before any ledger is open (the floor of the app and WebKit with this UI).
    // The time it takes is left out of the steps after it.
    let mut baseline = None;
    let mut paused = Duration::ZERO;
    if last {
        let t = Instant::now();
        if let Ok((pss, rss, _, by)) = memory(driver.pid(), app) {
            baseline = Some(format!(
                "At the start screen, before any ledger is open: {pss:.0} MB PSS ({rss:.0} MB RSS; {by})."
            ));
        }
        paused = t.elapsed();
    }
    s.click("[data-testid=\"recent-0\"]", Duration::from_secs(30), POLL)?;
    s.wait("[data-testid=\"signin-user-office_wang\"], [data-testid=\"start-error\"]", Duration::from_secs(120), POLL)?;
    if let Some(el) = s.find("[data-testid=\"start-error\"]") {
        let text = s.call("GET", &format!("/element/{el}/text"), None).unwrap_or_default();
        return Err(format!("the app could not open the ledger: {}", text.as_str().unwrap_or_default()));
    }
    let signin_screen = (t0.elapsed() - paused).as_secs_f64();
    s.click("[data-testid=\"signin-user-office_wang\"]", Duration::from_secs(30), POLL)?;
    s.click("[data-testid=\"signin-submit\"]", Duration::from_secs(30), POLL)?;
    s.click("[data-testid=\"nav-ledger\"]", Duration::from_secs(120), POLL)?;
    s.wait("[data-testid^=\"ledger-row-\"]", Duration::from_secs(180), POLL)?;
    let rows = (t0.elapsed() - paused).as_secs_f64();

    std::thread::sleep(Duration::from_secs(2));
    let (pss_mb, rss_mb, processes, by_process) = memory(driver.pid(), app)?;

    // Once: how long the background chain check took (it goes on after the rows show).
    let mut note = None;
    if last {
        let deadline = Instant::now() + Duration::from_secs(180);
        while Instant::now() < deadline {
            if let Some(line) = log_line(&data.join("logs"), "verifies (") {
                note = Some(format!(
                    "The chain check on open, in the background, finished {:.1} s after the rows showed: \"{}\".",
                    (t0.elapsed() - paused).as_secs_f64() - rows,
                    line.split("] ").last().unwrap_or(&line).trim()
                ));
                eprintln!("    {}", note.as_deref().unwrap_or_default());
                break;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
    if last {
        if let Ok((pss, rss, _, by)) = memory(driver.pid(), app) {
            let settled = format!(
                "Memory later in the same launch, {:.0} s after the rows showed (the chain check done): {pss:.0} MB PSS ({rss:.0} MB RSS; {by}).",
                (t0.elapsed() - paused).as_secs_f64() - rows
            );
            eprintln!("    {settled}");
            note = Some(
                format!("{} {settled} {}", note.unwrap_or_default(), baseline.unwrap_or_default()).trim().to_string(),
            );
        }
    }
    let _ = s.call("DELETE", "", None);
    drop(driver);
    Ok((Launch { session, start_screen, signin_screen, rows, pss_mb, rss_mb, processes, by_process }, cold, note))
}

fn log_line(dir: &Path, needle: &str) -> Option<String> {
    for e in std::fs::read_dir(dir).ok()? {
        let text = std::fs::read_to_string(e.ok()?.path()).ok()?;
        if let Some(l) = text.lines().find(|l| l.contains(needle)) {
            return Some(l.to_string());
        }
    }
    None
}

/// PSS and RSS in MB of the app under `root` (found by its executable) and all its descendants.
fn memory(root: u32, app: &Path) -> Result<(f64, f64, usize, String), String> {
    let mut parent: Vec<(u32, u32)> = Vec::new();
    for e in std::fs::read_dir("/proc").map_err(|e| e.to_string())?.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else { continue };
        if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
            parent.push((pid, ppid));
        }
    }
    let below = |top: u32| -> Vec<u32> {
        let mut out = vec![top];
        let mut i = 0;
        while i < out.len() {
            let p = out[i];
            out.extend(parent.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
            i += 1;
        }
        out
    };
    let app_pid = below(root)
        .into_iter()
        .find(|p| std::fs::read_link(format!("/proc/{p}/exe")).is_ok_and(|exe| exe == app))
        .ok_or("the app's process was not found under tauri-driver")?;
    let (mut pss, mut rss) = (0u64, 0u64);
    let pids = below(app_pid);
    let mut each = Vec::new();
    for p in &pids {
        let Ok(t) = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")) else { continue };
        let kb = |key: &str| -> u64 {
            t.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        pss += kb("Pss:");
        rss += kb("Rss:");
        let comm = std::fs::read_to_string(format!("/proc/{p}/comm")).unwrap_or_default();
        each.push(format!(
            "{} {:.0} MB (anonymous {:.0} MB)",
            comm.trim(),
            kb("Pss:") as f64 / 1024.0,
            kb("Pss_Anon:") as f64 / 1024.0
        ));
    }
    let by = each.join(", ");
    eprintln!("    PSS by process: {by}");
    Ok((pss as f64 / 1024.0, rss as f64 / 1024.0, pids.len(), by))
}

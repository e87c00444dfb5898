use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use serde_json::Value;

// ------------------------------------------------------------------------------------------
// Guards: an allocation cap and a hang watchdog.
// ------------------------------------------------------------------------------------------

pub(super) struct CappedAlloc;

/// The most one case may hold at once, and the largest single allocation, in bytes.
pub(super) static ALLOC_CAP: AtomicUsize = AtomicUsize::new(1 << 30);

thread_local! {
    /// Bytes allocated and not yet freed by this thread.
    static LIVE: Cell<isize> = const { Cell::new(0) };
    /// `LIVE` when the running case started (`isize::MIN` between cases).
    static BASE: Cell<isize> = const { Cell::new(isize::MIN) };
    /// The most this case held at once, and its largest single allocation.
    pub(super) static PEAK_LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK_ONE: Cell<usize> = const { Cell::new(0) };
    /// The target and case number running on this thread (for messages from the guards).
    static CASE: Cell<(&'static str, u64)> = const { Cell::new(("", 0)) };
    /// Set while a case runs: a panic is then recorded (and caught by the code under test or
    /// by proptest) instead of printed.
    static QUIET_PANICS: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Accounts for `grow` more bytes held (in one allocation of `size`); false refuses it.
pub(super) fn admit(grow: isize, size: usize) -> bool {
    let cap = ALLOC_CAP.load(Ordering::Relaxed);
    let held = LIVE
        .try_with(|live| {
            let now = live.get() + grow;
            live.set(now);
            let base = BASE.with(|b| b.get());
            if base == isize::MIN {
                return 0;
            }
            PEAK_LIVE.with(|p| p.set(p.get().max(now - base)));
            PEAK_ONE.with(|p| p.set(p.get().max(size)));
            now - base
        })
        .unwrap_or(0);
    if size > cap || held > cap as isize {
        let _ = LIVE.try_with(|live| live.set(live.get() - grow));
        let (target, case) = CASE.try_with(|c| c.get()).unwrap_or(("?", 0));
        eprintln!(
            "hostile: REFUSED an allocation of {size} bytes (the case would hold {held}) in target {target}, case {case} \
             (seed {}); the process will abort",
            SEED.load(Ordering::Relaxed)
        );
        return false;
    }
    true
}

pub(super) fn release(size: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get() - size as isize));
}

// The allocation cap needs its own allocator; each method forwards to the system's.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CappedAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !admit(layout.size() as isize, layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            release(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !admit(layout.size() as isize, layout.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            release(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        release(layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let grow = new_size as isize - layout.size() as isize;
        if !admit(grow, new_size) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            let _ = LIVE.try_with(|live| live.set(live.get() - grow));
        }
        p
    }
}

#[global_allocator]
pub(super) static GLOBAL: CappedAlloc = CappedAlloc;

pub(super) static SEED: AtomicU64 = AtomicU64::new(0);
pub(super) const SHORT_RUN_SEED: u64 = 20_260_315;

pub(super) fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Once per process: the seed, the allocation cap, the panic hook and the watchdog.
pub(super) fn setup() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        // The short run is the same every time (a fixed seed); the long run explores (a seed
        // from the clock); PROPTEST_RNG_SEED replays either.
        let seed = env_u64("PROPTEST_RNG_SEED").unwrap_or_else(|| match env_u64("PROPTEST_CASES") {
            None => SHORT_RUN_SEED,
            Some(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1),
        });
        SEED.store(seed, Ordering::Relaxed);
        if let Some(mb) = env_u64("HOSTILE_ALLOC_CAP_MB") {
            ALLOC_CAP.store((mb as usize).saturating_mul(1 << 20), Ordering::Relaxed);
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET_PANICS.with(|q| q.get()) {
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                // Short and stable, so equal panics count together: the crate path and line, and
                // the message with its numbers blanked.
                let file = info.location().map(|l| l.file().to_string()).unwrap_or_default();
                let file = file
                    .split_once("crates.io-")
                    .and_then(|(_, rest)| rest.split_once('/'))
                    .map_or(file.as_str(), |(_, f)| f);
                let line = info.location().map_or(0, |l| l.line());
                let msg: String = msg.chars().take(60).map(|c| if c.is_ascii_digit() { '#' } else { c }).collect();
                let msg = msg.replace('\n', " ");
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{file}:{line}: {msg}")));
            } else {
                previous(info)
            }
        }));
        let limit = Duration::from_secs(env_u64("HOSTILE_HANG_SECS").unwrap_or(120));
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(500));
            let running = RUNNING.lock().unwrap_or_else(|p| p.into_inner());
            for (start, target, case) in running.values() {
                if start.elapsed() > limit {
                    eprintln!(
                        "hostile: HANG — target {target}, case {case} has run for {:?} (seed {}); aborting",
                        start.elapsed(),
                        SEED.load(Ordering::Relaxed)
                    );
                    std::process::abort();
                }
            }
        });
    });
}

pub(super) static RUNNING: Mutex<BTreeMap<u64, (Instant, &'static str, u64)>> = Mutex::new(BTreeMap::new());
pub(super) static NEXT_GUARD: AtomicU64 = AtomicU64::new(0);

/// Registers a running case with the watchdog and the allocation cap; unregisters on drop.
pub(super) struct CaseGuard(u64);

impl CaseGuard {
    pub(super) fn new(target: &'static str, case: u64) -> CaseGuard {
        let id = NEXT_GUARD.fetch_add(1, Ordering::Relaxed);
        RUNNING.lock().unwrap_or_else(|p| p.into_inner()).insert(id, (Instant::now(), target, case));
        CASE.with(|c| c.set((target, case)));
        PEAK_LIVE.with(|p| p.set(0));
        PEAK_ONE.with(|p| p.set(0));
        BASE.with(|b| b.set(LIVE.with(|l| l.get())));
        QUIET_PANICS.with(|q| q.set(true));
        LAST_PANIC.with(|p| *p.borrow_mut() = None);
        CaseGuard(id)
    }
}

impl Drop for CaseGuard {
    fn drop(&mut self) {
        QUIET_PANICS.with(|q| q.set(false));
        BASE.with(|b| b.set(isize::MIN));
        RUNNING.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.0);
    }
}

// ------------------------------------------------------------------------------------------
// Running a target: case counts, tallies, the summary table.
// ------------------------------------------------------------------------------------------

/// Every target of this file, for the summary table printed when the last one finishes.
pub(super) const TARGETS: &[&str] = &[
    "sheet: random bytes",
    "sheet: mutated xlsx (zip)",
    "sheet: mutated xlsx (xml)",
    "sheet: mutated xls",
    "sheet: mutated csv",
    "sheet: csv round trip",
    "sheet: xlsx round trip",
    "import: preview+commit",
    "calendar: json",
    "calendar: csv",
    "commands: json payloads",
    "text: listed strings",
    "text: random strings",
];

/// Cases for a target: `short` in the normal test run; `PROPTEST_CASES × weight` when
/// `PROPTEST_CASES` is set (the long run).
pub(super) fn cases(short: u32, weight: f64) -> u32 {
    match env_u64("PROPTEST_CASES") {
        Some(n) => ((n as f64 * weight).ceil() as u32).max(1),
        None => short,
    }
}

#[derive(Default, Debug)]
pub(super) struct Tally {
    pub(super) cases: u64,
    pub(super) ok: u64,
    pub(super) refused: BTreeMap<String, u64>,
    pub(super) notes: BTreeMap<String, u64>,
    pub(super) slowest: Duration,
    pub(super) peak_held: usize,
    pub(super) peak_one: usize,
}

/// What a case reports: accepted, refused with a code, or a remark worth counting.
pub(super) struct Rec<'a> {
    pub(super) tally: &'a RefCell<Tally>,
}

impl Rec<'_> {
    pub(super) fn ok(&self) {
        self.tally.borrow_mut().ok += 1;
    }
    /// A refusal: its code must be one the UI can translate.
    pub(super) fn refused(&self, code: &str, detail: impl Debug) -> Result<(), TestCaseError> {
        if !known_codes().contains(code) {
            return Err(TestCaseError::fail(format!("error code {code:?} is not in i18n/en.json: {detail:?}")));
        }
        *self.tally.borrow_mut().refused.entry(code.to_string()).or_default() += 1;
        Ok(())
    }
    pub(super) fn note(&self, what: impl Into<String>) {
        *self.tally.borrow_mut().notes.entry(what.into()).or_default() += 1;
    }
}

pub(super) fn known_codes() -> &'static BTreeSet<String> {
    static CODES: OnceLock<BTreeSet<String>> = OnceLock::new();
    CODES.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../i18n/en.json");
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        v["errors"].as_object().unwrap().keys().cloned().collect()
    })
}

pub(super) struct Row {
    pub(super) name: &'static str,
    pub(super) tally: Tally,
    pub(super) elapsed: Duration,
}

pub(super) static ROWS: Mutex<Vec<Row>> = Mutex::new(Vec::new());

pub(super) fn row_line(r: &Row) -> String {
    let refused: u64 = r.tally.refused.values().sum();
    let mut codes: Vec<(&String, &u64)> = r.tally.refused.iter().collect();
    codes.sort_by(|a, b| b.1.cmp(a.1));
    let top: Vec<String> = codes.iter().take(4).map(|(c, n)| format!("{c}×{n}")).collect();
    let notes: Vec<String> = r.tally.notes.iter().map(|(c, n)| format!("{c}×{n}")).collect();
    format!(
        "{:<27} {:>7} {:>7} {:>7} {:>8} {:>8} {:>8} {:>7.1}  {}{}",
        r.name,
        r.tally.cases,
        r.tally.ok,
        refused,
        r.tally.slowest.as_millis(),
        format!("{:.1}", r.tally.peak_held as f64 / (1 << 20) as f64),
        format!("{:.1}", r.tally.peak_one as f64 / (1 << 20) as f64),
        r.elapsed.as_secs_f64(),
        top.join(" "),
        if notes.is_empty() { String::new() } else { format!("  [{}]", notes.join("; ")) }
    )
}

pub(super) const HEADER_LINE: &str =
    "target                        cases      ok refused  slowest  held MiB  one MiB    secs  refusals by code  [notes]";

pub(super) fn finish(name: &'static str, tally: Tally, elapsed: Duration) {
    let row = Row { name, tally, elapsed };
    println!("hostile: {}", row_line(&row));
    let mut rows = ROWS.lock().unwrap_or_else(|p| p.into_inner());
    rows.push(row);
    if rows.len() == TARGETS.len() {
        rows.sort_by_key(|r| TARGETS.iter().position(|t| *t == r.name));
        let mut out = format!(
            "\nHostile input — summary (seed {}, {} build). cases: property runs, shrinking included; ok: accepted; \
             refused: typed errors; slowest: one case, ms; held: most one case held at once; one: largest single \
             allocation\n{HEADER_LINE}\n",
            SEED.load(Ordering::Relaxed),
            if cfg!(debug_assertions) { "debug" } else { "release" }
        );
        for r in rows.iter() {
            out.push_str(&row_line(r));
            out.push('\n');
        }
        println!("{out}");
    }
}

pub(super) fn failure_file(name: &str, input: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/hostile-failures");
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join(format!("{}.txt", name.replace([' ', ':', '(', ')', '+'], "_")));
    let _ = std::fs::write(&file, input);
    file
}

/// Runs one target: `body` is called with each generated input.
pub(super) fn run_target<S>(
    name: &'static str,
    cases: u32,
    strategy: S,
    body: impl Fn(S::Value, &Rec) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: Debug,
{
    assert!(TARGETS.contains(&name), "{name} is listed in TARGETS");
    setup();
    let config = Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(SEED.load(Ordering::Relaxed)),
        max_shrink_iters: 4096,
        max_shrink_time: 120_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let tally = RefCell::new(Tally::default());
    let started = Instant::now();
    let result = runner.run(&strategy, |input| {
        let case = {
            let mut t = tally.borrow_mut();
            t.cases += 1;
            t.cases
        };
        let t0 = Instant::now();
        let outcome = {
            let _guard = CaseGuard::new(name, case);
            let rec = Rec { tally: &tally };
            let r = body(input, &rec);
            let (held, one) = (PEAK_LIVE.with(|p| p.get()).max(0) as usize, PEAK_ONE.with(|p| p.get()));
            let mut t = tally.borrow_mut();
            t.peak_held = t.peak_held.max(held);
            t.peak_one = t.peak_one.max(one);
            r
        };
        let mut t = tally.borrow_mut();
        t.slowest = t.slowest.max(t0.elapsed());
        outcome
    });
    let elapsed = started.elapsed();
    match result {
        Ok(()) => finish(name, tally.into_inner(), elapsed),
        Err(TestError::Fail(reason, input)) => {
            let shown = format!("{input:#?}");
            let file = failure_file(name, &shown);
            let short: String = shown.chars().take(3000).collect();
            panic!(
                "{name}: {reason}\nminimal input (whole in {}; seed {}):\n{short}",
                file.display(),
                SEED.load(Ordering::Relaxed)
            );
        }
        Err(TestError::Abort(reason)) => panic!("{name}: aborted: {reason}"),
    }
}

/// A message as a note: numbers blanked (so equal causes count together), cut short.
pub(super) fn shape(message: &str) -> String {
    message
        .chars()
        .take(90)
        .map(|c| {
            if c.is_ascii_digit() {
                '#'
            } else if c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The panic the code under test caught during this case, if any (see the panic hook).
pub(super) fn caught_panic() -> Option<String> {
    LAST_PANIC.with(|p| p.borrow().clone())
}

/// Runs `body` once for each listed item, with the same guards and tally as a property.
pub(super) fn run_fixed<T: Debug>(
    name: &'static str,
    items: Vec<T>,
    body: impl Fn(&T, &Rec) -> Result<(), TestCaseError>,
) {
    setup();
    let tally = RefCell::new(Tally::default());
    let started = Instant::now();
    let mut failures = Vec::new();
    for (i, item) in items.iter().enumerate() {
        tally.borrow_mut().cases += 1;
        let t0 = Instant::now();
        let result = {
            let _guard = CaseGuard::new(name, i as u64 + 1);
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(item, &Rec { tally: &tally })));
            let (held, one) = (PEAK_LIVE.with(|p| p.get()).max(0) as usize, PEAK_ONE.with(|p| p.get()));
            let mut t = tally.borrow_mut();
            t.peak_held = t.peak_held.max(held);
            t.peak_one = t.peak_one.max(one);
            r
        };
        {
            let mut t = tally.borrow_mut();
            t.slowest = t.slowest.max(t0.elapsed());
        }
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => failures.push(format!("{item:?}: {e}")),
            Err(_) => failures.push(format!("{item:?}: panicked: {}", caught_panic().unwrap_or_default())),
        }
    }
    let elapsed = started.elapsed();
    if failures.is_empty() {
        finish(name, tally.into_inner(), elapsed);
    } else {
        let shown = failures.join("\n\n");
        let file = failure_file(name, &shown);
        panic!(
            "{name}: {} of {} failed (all in {}):\n{}",
            failures.len(),
            items.len(),
            file.display(),
            shown.chars().take(6000).collect::<String>()
        );
    }
}

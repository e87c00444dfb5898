//! Progress of long work (import, export, rebuild, verify, demo) on stderr.
//!
//! On a terminal: a bar with the phase, position/total, percentage, rate and time left, or a
//! spinner while the total is not known yet (reading a sheet, comparing tables); the bar is
//! cleared when the work ends, so only the result stays on screen. When stderr is not a
//! terminal (a pipe, a test, CI) nothing is drawn: a plain line per tenth of the work when the
//! work is large enough to be worth it, and nothing at all with `--json`. stdout is never
//! touched.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// `TAIZHANG_PROGRESS=never` turns the bar off on a terminal too (a screen reader, a recording).
const ENV: &str = "TAIZHANG_PROGRESS";

pub struct Progress {
    out: Out,
}

enum Out {
    Bar { bar: ProgressBar, counting: bool },
    Lines { label: &'static str, min_total: u64, last_tenth: u64 },
    Quiet,
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg}… {elapsed}").expect("valid template").tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ ")
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {percent:>3}% {rate} 剩余 {eta}")
        .expect("valid template")
        .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0}/秒", s.per_sec());
        })
        .progress_chars("█▉▊▋▌▍▎▏ ")
}

/// Whether a bar may be drawn: stderr is a terminal and the user did not turn bars off.
fn bars_wanted() -> bool {
    std::io::stderr().is_terminal() && std::env::var(ENV).map_or(true, |v| v != "never")
}

impl Progress {
    /// Progress of one piece of work. `label` names it in the plain lines ("导入中");
    /// `min_total`: below this many steps no plain line is printed (a bar is drawn anyway).
    pub fn new(json: bool, label: &'static str, min_total: u64) -> Progress {
        let out = if bars_wanted() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(spinner_style());
            bar.enable_steady_tick(Duration::from_millis(120));
            Out::Bar { bar, counting: false }
        } else if json {
            Out::Quiet
        } else {
            Out::Lines { label, min_total, last_tenth: 0 }
        };
        Progress { out }
    }

    /// A phase whose size is not known: a spinner with `message` on a terminal.
    pub fn phase(&mut self, message: &str) {
        if let Out::Bar { bar, counting } = &mut self.out {
            if *counting {
                bar.set_style(spinner_style());
                *counting = false;
            }
            bar.set_message(message.to_string());
        }
    }

    /// `done` of `total` steps of the phase `message`.
    pub fn update(&mut self, message: &str, done: u64, total: u64) {
        match &mut self.out {
            Out::Bar { bar, counting } => {
                if !*counting {
                    bar.set_style(bar_style());
                    bar.reset_eta();
                    *counting = true;
                }
                if bar.length() != Some(total) {
                    bar.set_length(total);
                }
                if bar.message() != message {
                    bar.set_message(message.to_string());
                }
                bar.set_position(done.min(total));
            }
            Out::Lines { label, min_total, last_tenth } => {
                if total == 0 || total < *min_total {
                    return;
                }
                let tenth = done.min(total) * 10 / total;
                if tenth > *last_tenth {
                    *last_tenth = tenth;
                    eprintln!("{label}… {}%（{done}/{total}）", tenth * 10);
                }
            }
            Out::Quiet => {}
        }
    }
}

impl Drop for Progress {
    /// The bar goes away however the work ended, before the result or the error is printed.
    fn drop(&mut self) {
        if let Out::Bar { bar, .. } = &self.out {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_come_once_per_tenth_and_only_for_large_work() {
        let mut p = Progress { out: Out::Lines { label: "测试", min_total: 100, last_tenth: 0 } };
        for done in 0..=1000 {
            p.update("x", done, 1000);
        }
        let Out::Lines { last_tenth, .. } = &p.out else { unreachable!() };
        assert_eq!(*last_tenth, 10);
        let mut small = Progress { out: Out::Lines { label: "测试", min_total: 100, last_tenth: 0 } };
        small.update("x", 10, 10);
        let Out::Lines { last_tenth, .. } = &small.out else { unreachable!() };
        assert_eq!(*last_tenth, 0, "work under min_total prints nothing");
    }

    #[test]
    fn a_hidden_bar_takes_every_call() {
        let bar = ProgressBar::hidden();
        let mut p = Progress { out: Out::Bar { bar: bar.clone(), counting: false } };
        p.phase("读取");
        p.update("写入", 5, 10);
        assert_eq!(bar.position(), 5);
        assert_eq!(bar.length(), Some(10));
        p.update("写入", 50, 10);
        assert_eq!(bar.position(), 10, "never past the end");
        p.phase("比对");
        assert_eq!(bar.message(), "比对");
    }
}

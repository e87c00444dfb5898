//! One clock for the whole district: every planned step gets a time of day and waits in a
//! heap until its time comes, so the steps of all problems and visits run in time order.

use std::collections::BinaryHeap;

use chrono::{DateTime, Utc};
use rand::Rng;
use taizhang_core::Command;

use crate::days::instant;
use crate::draw::Gen;
use crate::plan::Step;

/// One command on the global clock.
pub(crate) struct Scheduled {
    pub at: DateTime<Utc>,
    pub group: usize,
    pub seq: usize,
    pub login: String,
    pub cmd: Command,
}

/// Steps in the order they happen: by time, then problem (its plan's number), then its order
/// in the plan.
pub(crate) struct Due(pub Scheduled);

impl Due {
    fn key(&self) -> (DateTime<Utc>, usize, usize) {
        (self.0.at, self.0.group, self.0.seq)
    }
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    /// Reversed: `BinaryHeap` pops its greatest, the clock wants the earliest.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.key().cmp(&self.key())
    }
}

/// The steps planned and not yet run, earliest first.
pub(crate) struct Clock {
    pub heap: BinaryHeap<Due>,
    pub end: DateTime<Utc>,
    /// Plans added so far (the next plan's group).
    pub groups: usize,
}

impl Clock {
    pub(crate) fn push(&mut self, s: Scheduled) {
        // Nothing is recorded after the demo's "now".
        if s.at <= self.end {
            self.heap.push(Due(s));
        }
    }

    /// One problem's plan on the clock: a time of day for each step, later steps of the
    /// same day a few minutes apart.
    pub(crate) fn add(&mut self, gen: &mut Gen<'_>, steps: Vec<Step>) {
        let group = self.groups;
        self.groups += 1;
        let mut prev: Option<(usize, u32)> = None;
        for (seq, st) in steps.into_iter().enumerate() {
            let minute = match prev {
                Some((d, m)) if d == st.day => (m + gen.rng.random_range(3..=40)).min(23 * 60 + 50),
                _ => gen.rng.random_range(9 * 60..=16 * 60 + 30),
            };
            prev = Some((st.day, minute));
            self.push(Scheduled { at: instant(gen.date(st.day), minute), group, seq, login: st.login, cmd: st.cmd });
        }
    }
}

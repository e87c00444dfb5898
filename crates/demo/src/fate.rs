//! A problem's fate: every choice of what happens to it (`Knobs`), and the natural fates drawn
//! at random. The anchored fates (`anchors`) start from `Knobs::plain` and set what they need.

use rand::Rng;
use taizhang_core::*;

use crate::draw::{pick_weighted, Base, Gen};

#[derive(Debug, Clone, Copy)]
pub(crate) enum Opinion {
    /// Given this many working days before the sub-deadline.
    OnTime(usize),
    /// Given this many working days after the sub-deadline.
    Late(usize),
    /// Never given; the office waives it two days after the sub-deadline.
    Waived,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Resolve {
    /// Between the earliest possible day and the deadline, at this fraction.
    OnTime(f64),
    /// This many working days after the (approved) deadline.
    Late(usize),
    /// On this day index (not before the earliest possible day).
    At(usize),
}

/// The day a problem is resolved.
pub(crate) fn resolve_day(how: Resolve, earliest: usize, deadline: usize) -> usize {
    match how {
        Resolve::OnTime(f) if deadline > earliest => earliest + ((deadline - earliest) as f64 * f).round() as usize,
        Resolve::OnTime(_) => earliest,
        Resolve::Late(n) => (deadline + n).max(earliest),
        Resolve::At(d) => d.max(earliest),
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalK {
    pub delay: usize,
    pub eval_delay: usize,
    pub satisfaction: Satisfaction,
    pub close_delay: usize,
    /// After a 不满意, the office assigns it this many working days later.
    pub assign_after: usize,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ReturnK {
    pub day_off: usize,
    pub rule_delay: usize,
    pub upheld: bool,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ExtK {
    /// Asked this many working days before the deadline.
    pub before: usize,
    pub extra: usize,
    pub approve: bool,
    pub rule_delay: usize,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct WithdrawK {
    /// Asked this many working days after signing.
    pub after_sign: usize,
    pub rule_delay: usize,
    pub approve: bool,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct EvalK {
    pub satisfaction: Satisfaction,
    pub delay: usize,
    pub by_office: bool,
}

/// Every choice of one problem's fate.
#[derive(Debug, Clone)]
pub(crate) struct Knobs {
    pub reg: usize,
    pub local: Option<LocalK>,
    pub assign_delay: usize,
    pub supporters: usize,
    pub ret: Option<ReturnK>,
    pub sign_delay: usize,
    pub sign_urge: bool,
    pub opinions: Vec<Opinion>,
    pub ack_delay: usize,
    pub notes: usize,
    pub stage_reply: bool,
    pub supporter_note: bool,
    pub ext: Option<ExtK>,
    pub resolve: Resolve,
    pub result: ResultType,
    pub late_urges: bool,
    pub reminder_urge: bool,
    pub instruct: bool,
    pub withdraw: Option<WithdrawK>,
    pub evals: Vec<EvalK>,
    pub reopen_resolve: Resolve,
    pub close_delay: usize,
    /// Anchored fates: nothing after this day happens.
    pub cutoff: Option<usize>,
}

impl Knobs {
    /// A plain, quick fate; anchors start from this and change what they need.
    pub(crate) fn plain(reg: usize) -> Knobs {
        Knobs {
            reg,
            local: None,
            assign_delay: 1,
            supporters: 0,
            ret: None,
            sign_delay: 1,
            sign_urge: false,
            opinions: vec![],
            ack_delay: 0,
            notes: 1,
            stage_reply: false,
            supporter_note: false,
            ext: None,
            resolve: Resolve::OnTime(0.8),
            result: ResultType::Solved,
            late_urges: false,
            reminder_urge: false,
            instruct: false,
            withdraw: None,
            evals: vec![EvalK { satisfaction: Satisfaction::Satisfied, delay: 1, by_office: false }],
            reopen_resolve: Resolve::OnTime(0.7),
            close_delay: 2,
            cutoff: None,
        }
    }
}

impl Gen<'_> {
    /// A natural fate, drawn at random.
    pub(crate) fn natural(&mut self, b: &Base, reg: usize) -> Knobs {
        let r = &mut self.rng;
        let mut k = Knobs::plain(reg);
        if b.by_township && b.priority == Priority::Normal && r.random_bool(0.10) {
            let satisfaction = [Satisfaction::Satisfied, Satisfaction::Basic, Satisfaction::Unsatisfied]
                [pick_weighted(r, &[70, 20, 10])];
            k.local = Some(LocalK {
                delay: r.random_range(0..=3),
                eval_delay: r.random_range(1..=3),
                satisfaction,
                close_delay: r.random_range(1..=5),
                assign_after: r.random_range(1..=2),
            });
        }
        k.assign_delay = pick_weighted(r, &[30, 55, 15]);
        k.supporters = pick_weighted(r, &[55, 33, 12]);
        if r.random_bool(0.09) {
            k.ret = Some(ReturnK {
                day_off: r.random_range(0..=1),
                rule_delay: pick_weighted(r, &[60, 40]),
                upheld: r.random_bool(0.5),
            });
        }
        k.sign_delay = [0, 1, 2, 3][pick_weighted(r, &[35, 50, 10, 5])];
        k.sign_urge = r.random_bool(0.6);
        k.opinions = (0..k.supporters)
            .map(|_| match pick_weighted(r, &[78, 14, 8]) {
                0 => Opinion::OnTime(r.random_range(0..=2)),
                1 => Opinion::Late(r.random_range(1..=4)),
                _ => Opinion::Waived,
            })
            .collect();
        k.ack_delay = r.random_range(0..=1);
        k.notes = match b.priority {
            Priority::Major => r.random_range(2..=4),
            _ => r.random_range(0..=3),
        };
        k.stage_reply = r.random_bool(0.3);
        k.supporter_note = r.random_bool(0.3);
        if r.random_bool(0.09) {
            k.ext = Some(ExtK {
                before: r.random_range(1..=5),
                extra: r.random_range(5..=10),
                approve: r.random_bool(0.75),
                rule_delay: r.random_range(0..=2),
            });
        }
        k.resolve = if r.random_bool(0.85) {
            Resolve::OnTime(0.35 + 0.65 * r.random::<f64>())
        } else {
            Resolve::Late(r.random_range(1..=9))
        };
        k.result = [ResultType::Solved, ResultType::Explained, ResultType::LongTerm][pick_weighted(r, &[80, 12, 8])];
        k.late_urges = r.random_bool(0.8);
        k.reminder_urge = r.random_bool(0.1);
        k.instruct = match b.priority {
            Priority::Major => r.random_bool(0.6),
            Priority::Urgent => r.random_bool(0.1),
            Priority::Normal => false,
        };
        if k.ext.is_none() && r.random_bool(0.035) {
            k.withdraw = Some(WithdrawK {
                after_sign: r.random_range(1..=3),
                rule_delay: r.random_range(1..=2),
                approve: r.random_bool(0.7),
            });
        }
        let mut eval = || EvalK {
            satisfaction: if r.random_bool(0.74) { Satisfaction::Satisfied } else { Satisfaction::Basic },
            delay: [1, 2, 3][pick_weighted(r, &[60, 25, 15])],
            by_office: r.random_bool(0.15),
        };
        let first = eval();
        k.evals = vec![first];
        if r.random_bool(0.08) {
            k.evals[0].satisfaction = Satisfaction::Unsatisfied;
            let second = EvalK {
                satisfaction: if r.random_bool(0.6) { Satisfaction::Basic } else { Satisfaction::Satisfied },
                delay: r.random_range(1..=3),
                by_office: r.random_bool(0.15),
            };
            k.evals.push(second);
        }
        k.reopen_resolve = if r.random_bool(0.85) {
            Resolve::OnTime(0.3 + 0.6 * r.random::<f64>())
        } else {
            Resolve::Late(r.random_range(1..=4))
        };
        k.close_delay = r.random_range(1..=6);
        k
    }
}

//! The anchored fates: problems timed backwards from the demo's end so that every state and
//! situation the product has to show is on screen at the end, whatever the seed. One row of
//! `ANCHORS` is one problem; days are working days before (or after) the last working day
//! before the end (`last`), and "deadline" is the handling deadline.
//!
//! The table's order is part of the seed: the anchors are planned first, in this order.

use taizhang_core::*;
use taizhang_ledger::new_id;

use crate::days::instant;
use crate::draw::{Base, Gen};
use crate::fate::{EvalK, ExtK, Knobs, LocalK, Opinion, Resolve, ReturnK, WithdrawK};

/// One anchored problem: a name for tests and docs, and what happens to it.
pub struct Anchor {
    pub name: &'static str,
    fate: Fate,
}

#[derive(Clone, Copy)]
enum Fate {
    /// 待交办: registered this many days before `last`, not assigned yet.
    AwaitingAssignment { registered: i64 },
    /// 就地解决 → 不满意 → back to 待交办 (reopened once).
    LocalSentBack,
    /// 待签收, not yet late.
    AwaitingSignature,
    /// 待签收 and overdue to sign.
    OverdueToSign { registered: i64, reminded: bool },
    /// 退回待裁定: returned `day_off` days after assignment, registered `registered` days before.
    ReturnAwaitingRuling { registered: i64, day_off: usize },
    /// A return upheld or reassigned, now in progress.
    ReturnRuled { upheld: bool },
    /// Due soon (提醒): the deadline this many days after `last`.
    DueSoon { deadline_after: i64, supporter: bool },
    /// Yellow: overdue since this many days before `last`.
    Yellow { deadline: i64, urged: bool },
    /// Red by time: overdue since this many days before `last`, urged twice or not at all, or
    /// a 重大 item with a leader's instruction.
    Red { deadline: i64, urged: bool, major: bool },
    /// Red by two urges while only just overdue.
    RedByUrges,
    /// Extension pending, the deadline this many days after `last`.
    ExtensionPending { deadline_after: i64 },
    /// Extension approved; the original deadline has passed, the new one has not.
    ExtensionApproved { deadline: i64 },
    /// Extension refused, now overdue.
    ExtensionRefused,
    /// A supporter overdue with its opinion (with a second one that answered).
    SupporterOverdue { second_answered: bool },
    /// A supporter's opinion waived by the office, still in progress.
    OpinionWaived,
    /// 已办结待评价: resolved this many days before `last`, with this result.
    AwaitingEvaluation { resolved: i64, result: ResultType, supporter: bool },
    /// Evaluated, awaiting close-out.
    AwaitingCloseOut { satisfaction: Satisfaction, evaluated_after: usize, by_office: bool },
    /// 不满意 → reopened, in progress again.
    ReopenedInProgress { by_office: bool },
    /// Withdrawal asked this many days before `last`: awaiting the office, approved, refused.
    Withdrawal { asked: i64, approve: bool },
    /// 就地解决, awaiting evaluation.
    LocalAwaitingEvaluation,
    /// 就地解决 and closed.
    LocalClosed,
    /// Signed late and resolved late, then closed.
    LateThenClosed,
}

use Fate as F;

const fn anchor(name: &'static str, fate: Fate) -> Anchor {
    Anchor { name, fate }
}

/// Every anchored problem, in the order they are planned.
pub const ANCHORS: &[Anchor] = &[
    anchor("awaiting_assignment_today", F::AwaitingAssignment { registered: 0 }),
    anchor("local_resolution_sent_back", F::LocalSentBack),
    anchor("awaiting_assignment_today_2", F::AwaitingAssignment { registered: 0 }),
    anchor("awaiting_assignment_yesterday", F::AwaitingAssignment { registered: 1 }),
    anchor("awaiting_signature", F::AwaitingSignature),
    anchor("awaiting_signature_2", F::AwaitingSignature),
    anchor("overdue_to_sign_reminded", F::OverdueToSign { registered: 4, reminded: true }),
    anchor("overdue_to_sign", F::OverdueToSign { registered: 5, reminded: false }),
    anchor("return_awaiting_ruling", F::ReturnAwaitingRuling { registered: 2, day_off: 1 }),
    anchor("return_awaiting_ruling_same_day", F::ReturnAwaitingRuling { registered: 1, day_off: 0 }),
    anchor("return_upheld_in_progress", F::ReturnRuled { upheld: true }),
    anchor("return_reassigned_in_progress", F::ReturnRuled { upheld: false }),
    anchor("due_soon", F::DueSoon { deadline_after: 1, supporter: false }),
    anchor("due_soon_with_supporter", F::DueSoon { deadline_after: 2, supporter: true }),
    anchor("due_soon_2", F::DueSoon { deadline_after: 1, supporter: false }),
    anchor("yellow_today", F::Yellow { deadline: 0, urged: false }),
    anchor("yellow_urged", F::Yellow { deadline: 1, urged: true }),
    anchor("yellow", F::Yellow { deadline: 2, urged: false }),
    anchor("red_urged_twice", F::Red { deadline: 6, urged: true, major: false }),
    anchor("red_major_instructed", F::Red { deadline: 8, urged: false, major: true }),
    anchor("red_long_overdue", F::Red { deadline: 10, urged: true, major: false }),
    anchor("red_by_two_urges", F::RedByUrges),
    anchor("extension_pending", F::ExtensionPending { deadline_after: 4 }),
    anchor("extension_pending_2", F::ExtensionPending { deadline_after: 5 }),
    anchor("extension_approved", F::ExtensionApproved { deadline: 1 }),
    anchor("extension_approved_2", F::ExtensionApproved { deadline: 0 }),
    anchor("extension_refused_overdue", F::ExtensionRefused),
    anchor("supporter_overdue", F::SupporterOverdue { second_answered: false }),
    anchor("supporter_overdue_one_of_two", F::SupporterOverdue { second_answered: true }),
    anchor("opinion_waived", F::OpinionWaived),
    anchor(
        "awaiting_evaluation_solved",
        F::AwaitingEvaluation { resolved: 0, result: ResultType::Solved, supporter: true },
    ),
    anchor(
        "awaiting_evaluation_explained",
        F::AwaitingEvaluation { resolved: 1, result: ResultType::Explained, supporter: false },
    ),
    anchor(
        "awaiting_evaluation_long_term",
        F::AwaitingEvaluation { resolved: 0, result: ResultType::LongTerm, supporter: false },
    ),
    anchor(
        "awaiting_close_out",
        F::AwaitingCloseOut { satisfaction: Satisfaction::Satisfied, evaluated_after: 3, by_office: false },
    ),
    anchor(
        "awaiting_close_out_basic",
        F::AwaitingCloseOut { satisfaction: Satisfaction::Basic, evaluated_after: 2, by_office: false },
    ),
    anchor(
        "awaiting_close_out_by_office",
        F::AwaitingCloseOut { satisfaction: Satisfaction::Satisfied, evaluated_after: 3, by_office: true },
    ),
    anchor("reopened_in_progress", F::ReopenedInProgress { by_office: false }),
    anchor("reopened_by_office_in_progress", F::ReopenedInProgress { by_office: true }),
    anchor("withdrawal_awaiting_ruling", F::Withdrawal { asked: 0, approve: false }),
    anchor("withdrawn", F::Withdrawal { asked: 3, approve: true }),
    anchor("withdrawal_refused", F::Withdrawal { asked: 4, approve: false }),
    anchor("local_awaiting_evaluation", F::LocalAwaitingEvaluation),
    anchor("local_closed", F::LocalClosed),
    anchor("late_then_closed", F::LateThenClosed),
];

impl Gen<'_> {
    /// An anchored fate, timed backwards from the end so that the situation is on screen at
    /// the end. `None` when the history is too short for it.
    pub(crate) fn anchor(&mut self, anchor: &Anchor) -> Option<(Base, Knobs)> {
        let last = self.last as i64;
        let fate = anchor.fate;
        let local = matches!(fate, F::LocalSentBack | F::LocalAwaitingEvaluation | F::LocalClosed);
        let major = matches!(fate, F::Red { major: true, .. });
        // A provisional base to learn the handling limit; the registration day is fixed below.
        let mut b = self.base(self.last, local);
        b.priority = if major { Priority::Major } else { Priority::Normal };
        if major && b.leader.is_empty() {
            b.leader = self.text.leaders[0].name.clone();
        }
        let h = self.handling_days(&b) as i64;
        // Registration day so that the handling deadline falls on `d` (assigned the next day).
        let reg_for = |d: i64| d - h - 1;
        let mut k = Knobs::plain(0);
        k.cutoff = Some(self.last);
        let reg: i64 = match fate {
            F::AwaitingAssignment { registered } => {
                k.assign_delay = 2;
                last - registered
            }
            F::LocalSentBack => {
                k.local = Some(LocalK {
                    delay: 0,
                    eval_delay: 1,
                    satisfaction: Satisfaction::Unsatisfied,
                    close_delay: 2,
                    assign_after: 2,
                });
                last - 2
            }
            F::AwaitingSignature => last - 1,
            F::OverdueToSign { registered, reminded } => {
                k.sign_delay = 30;
                k.sign_urge = reminded;
                last - registered
            }
            F::ReturnAwaitingRuling { registered, day_off } => {
                k.ret = Some(ReturnK { day_off, rule_delay: 1, upheld: true });
                last - registered
            }
            F::ReturnRuled { upheld } => {
                k.ret = Some(ReturnK { day_off: 1, rule_delay: 0, upheld });
                k.resolve = Resolve::OnTime(1.0);
                last - 7
            }
            F::DueSoon { deadline_after, supporter } => {
                k.resolve = Resolve::Late(3);
                k.supporters = usize::from(supporter);
                k.opinions = vec![Opinion::OnTime(1)];
                reg_for(last + deadline_after)
            }
            F::Yellow { deadline, urged } => {
                k.resolve = Resolve::Late(10);
                k.late_urges = urged;
                reg_for(last - deadline)
            }
            F::Red { deadline, urged, major } => {
                k.resolve = Resolve::Late(20);
                k.late_urges = urged;
                k.instruct = major;
                k.notes = 3;
                k.stage_reply = true;
                reg_for(last - deadline)
            }
            F::RedByUrges => {
                k.resolve = Resolve::Late(10);
                k.late_urges = true;
                k.reminder_urge = true;
                reg_for(last - 1)
            }
            F::ExtensionPending { deadline_after } => {
                let d = last + deadline_after;
                k.ext = Some(ExtK { before: (d - last) as usize, extra: 10, approve: true, rule_delay: 1 });
                k.resolve = Resolve::OnTime(1.0);
                reg_for(d)
            }
            F::ExtensionApproved { deadline } => {
                k.ext = Some(ExtK { before: 5, extra: 8, approve: true, rule_delay: 1 });
                k.resolve = Resolve::OnTime(1.0);
                reg_for(last - deadline)
            }
            F::ExtensionRefused => {
                k.ext = Some(ExtK { before: 3, extra: 8, approve: false, rule_delay: 1 });
                k.resolve = Resolve::Late(6);
                k.late_urges = true;
                reg_for(last - 2)
            }
            F::SupporterOverdue { second_answered } => {
                k.supporters = if second_answered { 2 } else { 1 };
                k.opinions =
                    if second_answered { vec![Opinion::Late(40), Opinion::OnTime(1)] } else { vec![Opinion::Late(40)] };
                k.resolve = Resolve::OnTime(1.0);
                reg_for(last + 5)
            }
            F::OpinionWaived => {
                k.supporters = 1;
                k.opinions = vec![Opinion::Waived];
                k.resolve = Resolve::OnTime(1.0);
                reg_for(last + 3)
            }
            F::AwaitingEvaluation { resolved, result, supporter } => {
                k.resolve = Resolve::At((last - resolved).max(0) as usize);
                k.result = result;
                k.evals = vec![EvalK { satisfaction: Satisfaction::Satisfied, delay: 5, by_office: false }];
                k.supporters = usize::from(supporter);
                k.opinions = vec![Opinion::OnTime(0)];
                reg_for(last + 3)
            }
            F::AwaitingCloseOut { satisfaction, evaluated_after, by_office } => {
                k.resolve = Resolve::At((last - 3).max(0) as usize);
                k.evals = vec![EvalK { satisfaction, delay: evaluated_after, by_office }];
                k.close_delay = 5;
                reg_for(last + 2)
            }
            F::ReopenedInProgress { by_office } => {
                k.resolve = Resolve::At((last - 8).max(0) as usize);
                k.evals = vec![
                    EvalK { satisfaction: Satisfaction::Unsatisfied, delay: 1, by_office },
                    EvalK { satisfaction: Satisfaction::Satisfied, delay: 1, by_office: false },
                ];
                k.reopen_resolve = Resolve::OnTime(1.0);
                reg_for(last - 4)
            }
            F::Withdrawal { asked, approve } => {
                let d = last + 5;
                let s = d - h + 1; // assigned at d - h, signed a day later
                let req = last - asked;
                k.withdraw = Some(WithdrawK { after_sign: (req - s).max(1) as usize, rule_delay: 1, approve });
                k.resolve = Resolve::OnTime(1.0);
                reg_for(d)
            }
            F::LocalAwaitingEvaluation => {
                k.local = Some(LocalK {
                    delay: 0,
                    eval_delay: 3,
                    satisfaction: Satisfaction::Satisfied,
                    close_delay: 2,
                    assign_after: 1,
                });
                last
            }
            F::LocalClosed => {
                k.local = Some(LocalK {
                    delay: 1,
                    eval_delay: 1,
                    satisfaction: Satisfaction::Basic,
                    close_delay: 2,
                    assign_after: 1,
                });
                last - 10
            }
            F::LateThenClosed => {
                k.sign_delay = 3;
                k.sign_urge = true;
                k.resolve = Resolve::Late(4);
                k.late_urges = true;
                reg_for(last - 20)
            }
        };
        if reg < 0 {
            return None;
        }
        k.reg = reg as usize;
        // Redo the date-dependent parts of the base for the real registration day.
        b.pid = new_id(instant(self.date(k.reg), 9 * 60));
        Some((b, k))
    }
}

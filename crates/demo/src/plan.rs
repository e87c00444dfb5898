//! A fate laid out as dated steps: every act of one problem on its working day (by index), in
//! an order that respects every rule of the workflow (objection window, extension notice,
//! supporter opinions before resolving, …).

use std::collections::HashSet;

use chrono::Duration;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::Rng;
use taizhang_core::command::{AssignRequest, ReturnRuling, SupporterRequest};
use taizhang_core::*;
use taizhang_ledger::new_id;

use crate::days::instant;
use crate::draw::{credit_code, Base, Gen};
use crate::fate::{resolve_day, Knobs, Opinion};
use crate::text::{phrase, Phrases};

// Order of steps of one problem within one day (and one handling round).
const VISIT: u8 = 0;
const REGISTER: u8 = 1;
const LOCAL: u8 = 2;
const ASSIGN: u8 = 3;
const RETURN: u8 = 4;
const RULE: u8 = 5;
const ACK: u8 = 6;
const SIGN: u8 = 7;
const INSTRUCT: u8 = 8;
const OPINION: u8 = 9;
const WAIVE: u8 = 10;
const NOTE: u8 = 11;
const EXT_REQ: u8 = 12;
const EXT_RULE: u8 = 13;
const URGE: u8 = 14;
const WD_REQ: u8 = 15;
const WD_RULE: u8 = 16;
const RESOLVE: u8 = 17;
const EVAL: u8 = 18;
const CLOSE: u8 = 19;

/// One act of a plan: its working day, handling round and order within the day.
pub(crate) struct Step {
    pub day: usize,
    pub round: u32,
    pub rank: u8,
    pub login: String,
    pub cmd: Command,
}

impl Step {
    fn key(&self) -> (usize, u32, u8) {
        (self.day, self.round, self.rank)
    }
}

impl Gen<'_> {
    /// Lays one fate out as dated steps.
    pub(crate) fn plan(&mut self, b: &Base, k: &Knobs) -> Vec<Step> {
        let mut steps: Vec<Step> = Vec::new();
        let pid = b.pid.clone();
        let st = self.settings;
        let (sign_days, objection_days, supporter_days) =
            (st.sign_days as usize, st.objection_days as usize, st.supporter_days as usize);
        let notice = st.extension_notice_days as usize;
        let red_days = st.red_days as usize;
        let h = self.handling_days(b);
        let cat = self.category(b.cat);
        let item = &cat.items[b.item];
        let s_ = &mut steps;
        let data = self.text;
        let ph = &data.phrases;

        // Registration (with the visit it came from, if any).
        let r = k.reg;
        let reg_date = self.date(r);
        let mut visit_id = None;
        if let Some(form) = b.with_visit {
            let v = Visit {
                id: new_id(instant(reg_date, 9 * 60)),
                enterprise_id: self.ents[b.ent].id.clone(),
                township_id: self.towns[b.town].id.clone(),
                date: reg_date,
                visitors: self.visitors(b.town, &b.registrar),
                form,
                notes: self.pick(&data.visit_notes),
            };
            visit_id = Some(v.id.clone());
            add(s_, r, 0, VISIT, &b.registrar, Command::RecordVisit { visit: v });
        }
        add(
            s_,
            r,
            0,
            REGISTER,
            &b.registrar,
            Command::Register {
                problem_id: pid.clone(),
                enterprise_id: if b.new_enterprise.is_some() { None } else { Some(self.ents[b.ent].id.clone()) },
                new_enterprise: b.new_enterprise.clone(),
                visit_id,
                source: b.source,
                category: cat.name.clone(),
                description: b.description.clone(),
                demand: b.demand.clone(),
                raised_on: reg_date - Duration::days(b.raised_offset),
                priority: b.priority,
                responsible_leader: b.leader.clone(),
                origin: None,
                attachments: Vec::new(),
            },
        );

        let mut round = 0u32;
        let a_day;
        if let Some(l) = k.local {
            let ld = r + l.delay;
            let who = if b.by_township { b.registrar.clone() } else { self.town_user(b.town) };
            let result = self.result_text(cat);
            add(
                s_,
                ld,
                0,
                LOCAL,
                &who,
                Command::ResolveLocally {
                    problem_id: pid.clone(),
                    result_text: phrase(&ph.local_result, &[("result", &result)]),
                    attachments: Vec::new(),
                },
            );
            let e = ld + l.eval_delay.max(1);
            let evaluator = self.town_user(b.town);
            if l.satisfaction.is_positive() {
                add(
                    s_,
                    e,
                    0,
                    EVAL,
                    &evaluator,
                    Command::Evaluate {
                        problem_id: pid.clone(),
                        satisfaction: l.satisfaction,
                        comment: ph.local_evaluation_positive.clone(),
                        attachments: Vec::new(),
                    },
                );
                let office = self.office();
                add(
                    s_,
                    e + l.close_delay.max(1),
                    0,
                    CLOSE,
                    &office,
                    Command::Close { problem_id: pid.clone(), note: ph.local_close.clone() },
                );
                return finish(steps, k.cutoff, None);
            }
            add(
                s_,
                e,
                0,
                EVAL,
                &evaluator,
                Command::Evaluate {
                    problem_id: pid.clone(),
                    satisfaction: Satisfaction::Unsatisfied,
                    comment: ph.local_evaluation_negative.clone(),
                    attachments: Vec::new(),
                },
            );
            round = 1;
            a_day = e + l.assign_after.max(1);
        } else {
            a_day = r + k.assign_delay;
        }

        // Assignment, and a return within the objection window now and then.
        let lead0 = self.dept(&item.lead);
        let mut pool: Vec<usize> = cat.supporters.iter().map(|s| self.dept(s)).filter(|d| *d != lead0).collect();
        pool.shuffle(&mut self.rng);
        let mut sups: Vec<usize> = pool.into_iter().take(k.supporters).collect();
        let office = self.office();
        let request = self.request(lead0, &sups);
        add(s_, a_day, round, ASSIGN, &office, Command::Assign { problem_id: pid.clone(), request });
        let mut lead = lead0;
        let mut deadline = a_day + h;
        let mut sign_deadline = a_day + sign_days;
        let mut sup_base = a_day;
        let mut a_eff = a_day;
        if let Some(rt) = k.ret {
            let ret_day = a_day + rt.day_off.min(objection_days);
            let mut alt = self.dept(&item.alternative);
            if alt == lead0 {
                let [first, second] = &data.alternatives_when_same;
                alt = self.dept(if lead0 == self.dept(first) { second } else { first });
            }
            let alt_name = self.depts[alt].short.clone();
            add(
                s_,
                ret_day,
                round,
                RETURN,
                &self.depts[lead0].login,
                Command::Return {
                    problem_id: pid.clone(),
                    reason: phrase(&ph.return_reason, &[("unit", &alt_name)]),
                    proposed_unit_id: self.depts[alt].id.clone(),
                },
            );
            let rule_day = ret_day + rt.rule_delay;
            let office = self.office();
            if rt.upheld {
                add(
                    s_,
                    rule_day,
                    round,
                    RULE,
                    &office,
                    Command::RuleReturn {
                        problem_id: pid.clone(),
                        ruling: ReturnRuling::Uphold,
                        note: phrase(&ph.return_upheld, &[("unit", &self.depts[lead0].short)]),
                    },
                );
            } else {
                sups.retain(|s| *s != alt);
                add(
                    s_,
                    rule_day,
                    round,
                    RULE,
                    &office,
                    Command::RuleReturn {
                        problem_id: pid.clone(),
                        ruling: ReturnRuling::Reassign(self.request(alt, &sups)),
                        note: phrase(&ph.return_reassigned, &[("unit", &alt_name)]),
                    },
                );
                lead = alt;
                deadline = rule_day + h;
                sup_base = rule_day;
            }
            sign_deadline = rule_day + sign_days;
            a_eff = rule_day;
        }
        let lead_login = self.depts[lead].login.clone();

        // Signing, late now and then (with a reminder from the office).
        let s = a_eff + k.sign_delay;
        if k.sign_urge && sign_deadline + 1 < s {
            let office = self.office();
            add(
                s_,
                sign_deadline + 1,
                round,
                URGE,
                &office,
                Command::Urge {
                    problem_id: pid.clone(),
                    level: Escalation::Reminder,
                    notice: ph.sign_reminder.clone(),
                },
            );
        }
        add(
            s_,
            s,
            round,
            SIGN,
            &lead_login,
            Command::Sign { problem_id: pid.clone(), handler: self.depts[lead].person.clone() },
        );

        // Extension (asked at least the notice period before the deadline), then the day it
        // is resolved.
        let mut final_deadline = deadline;
        let mut earliest = s + 1;
        if let Some(x) = k.ext {
            let before = x.before.max(notice);
            if deadline >= s + before {
                let req = deadline - before;
                let rule = req + x.rule_delay;
                let new_deadline = deadline + x.extra;
                let reason = self.pick(&data.extension_reasons);
                add(
                    s_,
                    req,
                    round,
                    EXT_REQ,
                    &lead_login,
                    Command::RequestExtension {
                        problem_id: pid.clone(),
                        new_deadline: self.date(new_deadline),
                        reason,
                    },
                );
                let office = self.office();
                add(
                    s_,
                    rule,
                    round,
                    EXT_RULE,
                    &office,
                    Command::RuleExtension {
                        problem_id: pid.clone(),
                        approve: x.approve,
                        note: if x.approve { ph.extension_approved.clone() } else { ph.extension_refused.clone() },
                    },
                );
                if x.approve {
                    final_deadline = new_deadline;
                }
                earliest = earliest.max(rule);
            }
        }
        let rr = resolve_day(k.resolve, earliest, final_deadline);

        // Supporters: acknowledge, then an opinion (sometimes late), or the office waives it.
        let sub_deadline = sup_base + supporter_days;
        for (i, sup) in sups.iter().enumerate() {
            let login = self.depts[*sup].login.clone();
            let unit_id = self.depts[*sup].id.clone();
            let kind = k.opinions.get(i).copied().unwrap_or(Opinion::OnTime(0));
            let settle = match kind {
                Opinion::OnTime(back) => sub_deadline.saturating_sub(back),
                Opinion::Late(n) => sub_deadline + n,
                Opinion::Waived => sub_deadline + 2,
            }
            .min(rr)
            .max(a_eff);
            let ack = (a_eff + k.ack_delay).min(settle);
            if !matches!(kind, Opinion::Waived) || i % 2 == 0 {
                add(s_, ack, round, ACK, &login, Command::Acknowledge { problem_id: pid.clone() });
            }
            if let Opinion::Waived = kind {
                let office = self.office();
                add(
                    s_,
                    settle,
                    round,
                    WAIVE,
                    &office,
                    Command::WaiveOpinion { problem_id: pid.clone(), unit_id, reason: ph.opinion_waived.clone() },
                );
            } else {
                let opinion = self.pick(&data.opinions);
                add(s_, settle, round, OPINION, &login, Command::SubmitOpinion { problem_id: pid.clone(), opinion });
            }
        }
        if k.supporter_note && !sups.is_empty() && rr > a_eff {
            let day = self.rng.random_range(a_eff..rr);
            let text = self.pick(&data.supporter_notes);
            add(
                s_,
                day,
                round,
                NOTE,
                &self.depts[sups[0]].login,
                Command::NoteProgress { problem_id: pid.clone(), text, stage_reply: false, attachments: Vec::new() },
            );
        }
        self.notes(s_, &pid, &lead_login, round, s, rr, k.notes, k.stage_reply);

        // Urges: a reminder before the deadline, yellow the day after it, red after red_days.
        if k.reminder_urge && final_deadline > s && final_deadline - 1 <= rr {
            let office = self.office();
            add(
                s_,
                final_deadline - 1,
                round,
                URGE,
                &office,
                Command::Urge {
                    problem_id: pid.clone(),
                    level: Escalation::Reminder,
                    notice: ph.deadline_reminder.clone(),
                },
            );
        }
        if k.late_urges {
            let office = self.office();
            urge_late(s_, ph, &pid, &office, round, final_deadline, rr, red_days);
        }
        if k.instruct && rr > a_day {
            let day = self.rng.random_range(a_day..rr);
            let leader = self.pick(&[data.leaders[0].login.clone(), data.leaders[1].login.clone()]);
            add(
                s_,
                day,
                round,
                INSTRUCT,
                &leader,
                Command::Instruct {
                    problem_id: pid.clone(),
                    text: phrase(&ph.instruction, &[("unit", &self.depts[lead].short)]),
                },
            );
        }

        // Withdrawal: the township asks, the office rules before the item would be resolved.
        let mut stop = None;
        if let Some(w) = k.withdraw {
            let req = s + w.after_sign.max(1);
            let rule = req + w.rule_delay;
            if rule < rr {
                let who = self.town_user(b.town);
                let reason = self.pick(&data.withdrawal_reasons);
                add(s_, req, round, WD_REQ, &who, Command::RequestWithdrawal { problem_id: pid.clone(), reason });
                let office = self.office();
                add(
                    s_,
                    rule,
                    round,
                    WD_RULE,
                    &office,
                    Command::RuleWithdrawal {
                        problem_id: pid.clone(),
                        approve: w.approve,
                        note: if w.approve { ph.withdrawal_approved.clone() } else { ph.withdrawal_refused.clone() },
                    },
                );
                if w.approve {
                    stop = Some((rule, round, WD_RULE));
                }
            }
        }

        // Resolve, evaluate (不满意 reopens it to the same lead), close out.
        let mut rr = rr;
        let mut result = k.result;
        for (i, ev) in k.evals.iter().enumerate() {
            let (result_text, explanation) = match result {
                ResultType::Solved => (self.result_text(cat), String::new()),
                ResultType::Explained => (ph.explained_result.clone(), self.pick(&data.explanations)),
                ResultType::LongTerm => (self.pick(&data.long_term_results), String::new()),
            };
            add(
                s_,
                rr,
                round,
                RESOLVE,
                &lead_login,
                Command::Resolve {
                    problem_id: pid.clone(),
                    result_type: result,
                    result_text,
                    explanation,
                    attachments: Vec::new(),
                },
            );
            let e = rr + ev.delay.max(1);
            let evaluator = if ev.by_office { self.office() } else { self.town_user(b.town) };
            let comment = match ev.satisfaction {
                Satisfaction::Unsatisfied => &ph.evaluation_unsatisfied,
                Satisfaction::Basic => &ph.evaluation_basic,
                Satisfaction::Satisfied => &ph.evaluation_satisfied,
            };
            add(
                s_,
                e,
                round,
                EVAL,
                &evaluator,
                Command::Evaluate {
                    problem_id: pid.clone(),
                    satisfaction: ev.satisfaction,
                    comment: comment.clone(),
                    attachments: Vec::new(),
                },
            );
            if ev.satisfaction.is_positive() {
                let office = self.office();
                add(
                    s_,
                    e + k.close_delay.max(1),
                    round,
                    CLOSE,
                    &office,
                    Command::Close { problem_id: pid.clone(), note: ph.close.clone() },
                );
                break;
            }
            if i + 1 == k.evals.len() {
                break;
            }
            // 重办: a fresh deadline counted from the evaluation.
            round += 1;
            let d2 = e + h;
            rr = resolve_day(k.reopen_resolve, e + 1, d2);
            result = ResultType::Solved;
            let n = self.rng.random_range(1..=2);
            self.notes(s_, &pid, &lead_login, round, e, rr, n, true);
            if k.late_urges {
                let office = self.office();
                urge_late(s_, ph, &pid, &office, round, d2, rr, red_days);
            }
        }
        finish(steps, k.cutoff, stop)
    }

    pub(crate) fn request(&self, lead: usize, sups: &[usize]) -> AssignRequest {
        AssignRequest {
            lead_unit_id: self.depts[lead].id.clone(),
            handler: self.depts[lead].person.clone(),
            supporters: sups
                .iter()
                .map(|s| SupporterRequest { unit_id: self.depts[*s].id.clone(), sub_deadline: None })
                .collect(),
            sign_deadline: None,
            handling_deadline: None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn notes(
        &mut self,
        steps: &mut Vec<Step>,
        pid: &str,
        login: &str,
        round: u32,
        from: usize,
        to: usize,
        n: usize,
        stage: bool,
    ) {
        if to <= from {
            return;
        }
        let mut days: Vec<usize> = (0..n).map(|_| self.rng.random_range(from..to)).collect();
        days.sort();
        for (i, day) in days.into_iter().enumerate() {
            let stage_reply = stage && i == 0;
            let text = if stage_reply {
                let days = self.rng.random_range(3..=10).to_string();
                phrase(&self.text.phrases.stage_reply, &[("days", &days)])
            } else {
                self.text.progress_notes.choose(&mut self.rng).expect("notes").clone()
            };
            steps.push(Step {
                day,
                round,
                rank: NOTE,
                login: login.to_string(),
                cmd: Command::NoteProgress { problem_id: pid.to_string(), text, stage_reply, attachments: Vec::new() },
            });
        }
    }

    /// The plan of the `i`th natural problem, registered on day `reg`; the first `n_new` are
    /// companies new to the ledger, registered from a 12345 call in the same step.
    pub(crate) fn natural_plan(
        &mut self,
        reg: usize,
        i: usize,
        n_new: usize,
        names: &mut HashSet<String>,
        codes: &mut HashSet<String>,
    ) -> Vec<Step> {
        let mut b = self.base(reg, false);
        if i < n_new {
            b.source = Source::Hotline;
            b.with_visit = None;
            b.by_township = false;
            b.registrar = self.office();
            let code = if i == 0 {
                None
            } else {
                Some(loop {
                    let c = credit_code(&mut self.rng, false);
                    if codes.insert(c.clone()) {
                        break c;
                    }
                })
            };
            let mut e = self.new_enterprise(b.town, names, code);
            e.id = new_id(instant(self.date(reg), 9 * 60));
            e.key_level = KeyLevel::General;
            b.new_enterprise = Some(e);
        }
        let k = self.natural(&b, reg);
        self.plan(&b, &k)
    }
}

fn add(steps: &mut Vec<Step>, day: usize, round: u32, rank: u8, login: &str, cmd: Command) {
    steps.push(Step { day, round, rank, login: login.to_string(), cmd });
}

#[allow(clippy::too_many_arguments)]
fn urge_late(
    steps: &mut Vec<Step>,
    ph: &Phrases,
    pid: &str,
    office: &str,
    round: u32,
    deadline: usize,
    resolved: usize,
    red_days: usize,
) {
    if resolved > deadline {
        add(
            steps,
            deadline + 1,
            round,
            URGE,
            office,
            Command::Urge { problem_id: pid.to_string(), level: Escalation::Yellow, notice: ph.yellow_card.clone() },
        );
    }
    if resolved >= deadline + red_days {
        add(
            steps,
            deadline + red_days,
            round,
            URGE,
            office,
            Command::Urge {
                problem_id: pid.to_string(),
                level: Escalation::Red,
                notice: phrase(&ph.red_card, &[("days", &red_days.to_string())]),
            },
        );
    }
}

/// Orders the steps and drops what never happens: after an approved withdrawal, or after the
/// cut-off day of an anchored fate.
pub(crate) fn finish(mut steps: Vec<Step>, cutoff: Option<usize>, stop: Option<(usize, u32, u8)>) -> Vec<Step> {
    steps.sort_by_key(|s| s.key());
    steps.retain(|s| cutoff.is_none_or(|c| s.day <= c) && stop.is_none_or(|k| s.key() <= k));
    steps
}

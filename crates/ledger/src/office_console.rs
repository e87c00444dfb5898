//! The office's 督办中心: six queues, each a ledger filter with its order. The screen shows
//! every queue's count (its tabs, and the menu's counts) and one page of the queue on screen,
//! so a read costs six counts and one page of rows however many problems wait (a queue of a
//! 100,000-problem ledger holds thousands; reading every queue's rows took seconds from a
//! cold file and megabytes of JSON the window parsed and held).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use taizhang_core::Status;

use crate::error::Result;
use crate::queries::{PageRequest, ProblemFilter, ProblemPage, Sort, SortKey};
use crate::Ledger;

/// A queue of the 督办中心.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConsoleTab {
    /// 待交办: registered, waiting for the office; the longest waiting first.
    ToAssign,
    /// 退回待裁定: returned by the lead department, waiting for the office's ruling.
    Disputed,
    /// 延期申请: an extension asked for.
    ExtensionRequests,
    /// 逾期督办: open and late to sign or to handle; the most escalated first.
    Overdue,
    /// 待销号: resolved and evaluated, no withdrawal pending.
    ReadyToClose,
    /// 撤回申请: a withdrawal the township asked for.
    WithdrawalRequests,
}

impl ConsoleTab {
    pub const ALL: [ConsoleTab; 6] = [
        ConsoleTab::ToAssign,
        ConsoleTab::Disputed,
        ConsoleTab::ExtensionRequests,
        ConsoleTab::Overdue,
        ConsoleTab::ReadyToClose,
        ConsoleTab::WithdrawalRequests,
    ];

    /// The queue as a ledger filter and its order.
    pub fn query(self) -> (ProblemFilter, Sort) {
        let (filter, key) = match self {
            ConsoleTab::ToAssign => {
                (ProblemFilter { statuses: vec![Status::Registered], ..Default::default() }, SortKey::Registered)
            }
            ConsoleTab::Disputed => {
                (ProblemFilter { statuses: vec![Status::Disputed], ..Default::default() }, SortKey::Deadline)
            }
            ConsoleTab::ExtensionRequests => {
                (ProblemFilter { extension_pending: Some(true), ..Default::default() }, SortKey::Deadline)
            }
            ConsoleTab::Overdue => (
                ProblemFilter {
                    statuses: vec![Status::Assigned, Status::InProgress, Status::Disputed],
                    overdue: Some(true),
                    ..Default::default()
                },
                SortKey::Escalation,
            ),
            ConsoleTab::ReadyToClose => (
                ProblemFilter {
                    statuses: vec![Status::Resolved],
                    evaluated: Some(true),
                    withdrawal_pending: Some(false),
                    ..Default::default()
                },
                SortKey::Updated,
            ),
            ConsoleTab::WithdrawalRequests => {
                (ProblemFilter { withdrawal_pending: Some(true), ..Default::default() }, SortKey::Updated)
            }
        };
        (filter, Sort { key, descending: key == SortKey::Escalation })
    }
}

/// How many problems each queue holds: the tabs' counts and the menu's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ConsoleCounts {
    pub to_assign: u32,
    pub disputed: u32,
    pub extension_requests: u32,
    pub overdue: u32,
    pub ready_to_close: u32,
    pub withdrawal_requests: u32,
}

impl ConsoleCounts {
    pub fn of(&self, tab: ConsoleTab) -> u32 {
        match tab {
            ConsoleTab::ToAssign => self.to_assign,
            ConsoleTab::Disputed => self.disputed,
            ConsoleTab::ExtensionRequests => self.extension_requests,
            ConsoleTab::Overdue => self.overdue,
            ConsoleTab::ReadyToClose => self.ready_to_close,
            ConsoleTab::WithdrawalRequests => self.withdrawal_requests,
        }
    }
}

impl Ledger {
    /// Every queue's count.
    pub fn office_console_counts(&self, now: DateTime<Utc>) -> Result<ConsoleCounts> {
        let count = |tab: ConsoleTab| -> Result<u32> {
            let n = self.count_problems(&tab.query().0, now)?;
            Ok(u32::try_from(n).unwrap_or(u32::MAX))
        };
        Ok(ConsoleCounts {
            to_assign: count(ConsoleTab::ToAssign)?,
            disputed: count(ConsoleTab::Disputed)?,
            extension_requests: count(ConsoleTab::ExtensionRequests)?,
            overdue: count(ConsoleTab::Overdue)?,
            ready_to_close: count(ConsoleTab::ReadyToClose)?,
            withdrawal_requests: count(ConsoleTab::WithdrawalRequests)?,
        })
    }

    /// One page of a queue, in its order (the ledger list's rows, with its total).
    pub fn office_console_page(&self, tab: ConsoleTab, page: PageRequest, now: DateTime<Utc>) -> Result<ProblemPage> {
        let (filter, sort) = tab.query();
        self.list_problems(&filter, sort, page, now)
    }
}

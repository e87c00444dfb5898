//! The bell (docs/design.md §4, "Each role's day"): which recorded acts concern which user.
//!
//! A notice is an event that someone other than its actor must know of or act on. Who that is
//! follows from the event and the problem as it stood just before it (`before`): a new
//! assignment concerns the lead and the supporting units; a ruling on a return or on an
//! extension, the unit that asked; an urge and a reopening, the lead; a 批示, the lead and the
//! office; the office hears of what it must act on (a new registration to assign, a return, an
//! extension or a withdrawal asked); a township of what it must call back on and of the ruling
//! on its withdrawal; a leader of what happens on the items they answer for (负责领导). A district
//! leader paired (包联) with the problem's enterprise follows the item's life: its registration,
//! its assignment, the office's urges (where lateness escalates: overdue itself is derived, never
//! recorded, so the urge is the act), its resolution, a reopening and its closing. Nobody is
//! told of their own act. Pure: the ledger feeds the events, the folds and the pairing.

use serde::{Deserialize, Serialize};

use crate::event::EventBody;
use crate::model::{labelled_enum, Id, Role, Satisfaction};
use crate::problem::Problem;

labelled_enum!(
    /// What a notice says happened, a key with words in the catalogue's `notice` section.
    NoticeKind in "notice" {
        Registered = "registered",
        Assigned = "assigned",
        Reassigned = "reassigned",
        Returned = "returned",
        ReturnUpheld = "return_upheld",
        ExtensionRequested = "extension_requested",
        ExtensionApproved = "extension_approved",
        ExtensionRefused = "extension_refused",
        Urged = "urged",
        Instructed = "instructed",
        Resolved = "resolved",
        Reopened = "reopened",
        WithdrawalRequested = "withdrawal_requested",
        WithdrawalRuled = "withdrawal_ruled",
        Closed = "closed",
    }
);

/// Who an event concerns: units (their department and township users), the office, the
/// leader named as the problem's 负责领导, and the leader paired with its enterprise (包联领导).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    pub units: Vec<Id>,
    pub office: bool,
    /// The responsible leader's name, when the leader is told.
    pub leader: Option<String>,
    /// The enterprise's 包联领导, when the act is one a paired leader follows.
    pub paired_leader: Option<String>,
}

labelled_enum!(
    /// Why a notice is for a user, shown beside it so a leader tells an item they answer for
    /// from one of a paired enterprise: the user's unit leads, supports, registered or asked
    /// (`unit`); the office acts on it (`office`); the user is the problem's 负责领导
    /// (`responsible_leader`) or the 包联领导 of its enterprise (`paired_leader`).
    Concern in "concern" {
        Unit = "unit",
        Office = "office",
        ResponsibleLeader = "responsible_leader",
        PairedLeader = "paired_leader",
    }
);

/// An event as a notice: what happened, and to whom it matters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    pub audience: Audience,
}

/// The event kinds (their stored keys) that may be notices, so a reader scans only those.
pub const NOTICE_EVENT_KINDS: &[&str] = &[
    "problem_registered",
    "assigned",
    "reassigned",
    "returned",
    "return_upheld",
    "extension_requested",
    "extension_ruled",
    "urged",
    "instructed",
    "resolved",
    "evaluated",
    "withdrawal_requested",
    "withdrawal_ruled",
    "closed",
];

/// The user a notice may be for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer<'a> {
    pub user_id: &'a str,
    pub unit_id: &'a str,
    pub role: Role,
    /// The user's name, as a problem's 负责领导 records it.
    pub name: &'a str,
}

fn leader_of(p: &Problem) -> Option<String> {
    let name = p.responsible_leader.trim();
    (!name.is_empty()).then(|| name.to_string())
}

fn named(name: &str) -> Option<String> {
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_string())
}

fn lead_of(p: &Problem) -> Vec<Id> {
    p.lead_unit_id().map(str::to_string).into_iter().collect()
}

/// The event as a notice, given the problem as it stood before it (`None` for a registration,
/// which starts it) and the 包联领导 of its enterprise as the ledger holds it (`""` when none).
/// `None` when the event is no notice to anyone.
pub fn notice_of(body: &EventBody, before: Option<&Problem>, paired_leader: &str) -> Option<Notice> {
    let mut n = notice_to_the_desks(body, before)?;
    // The milestones of an item's life a paired leader follows; not the back-and-forth between
    // the office and the departments (returns, extensions, withdrawals, a 批示).
    let followed = matches!(
        n.kind,
        NoticeKind::Registered
            | NoticeKind::Assigned
            | NoticeKind::Reassigned
            | NoticeKind::Urged
            | NoticeKind::Resolved
            | NoticeKind::Reopened
            | NoticeKind::Closed
    );
    if followed {
        n.audience.paired_leader = named(paired_leader);
    }
    Some(n)
}

/// The notice without the pairing: the units, the office and the responsible leader.
fn notice_to_the_desks(body: &EventBody, before: Option<&Problem>) -> Option<Notice> {
    use EventBody as E;
    let notice = |kind, audience| Some(Notice { kind, audience });
    if let E::ProblemRegistered { .. } = body {
        // The office assigns what was registered.
        return notice(NoticeKind::Registered, Audience { office: true, ..Audience::default() });
    }
    let p = before?;
    let leader = leader_of(p);
    match body {
        E::Assigned { terms, .. } | E::Reassigned { terms, .. } => {
            let mut units: Vec<Id> = std::iter::once(terms.lead_unit_id.clone())
                .chain(terms.supporters.iter().map(|s| s.unit_id.clone()))
                .collect();
            let kind = if matches!(body, E::Reassigned { .. }) {
                // The unit whose return this rules on hears the ruling too.
                units.extend(p.pending_return().map(|r| r.unit_id.clone()));
                NoticeKind::Reassigned
            } else {
                NoticeKind::Assigned
            };
            units.sort();
            units.dedup();
            notice(kind, Audience { units, leader, ..Audience::default() })
        }
        E::ReturnUpheld { .. } => {
            let units = p.pending_return().map(|r| vec![r.unit_id.clone()]).unwrap_or_else(|| lead_of(p));
            notice(NoticeKind::ReturnUpheld, Audience { units, ..Audience::default() })
        }
        E::Returned { .. } => notice(NoticeKind::Returned, Audience { office: true, ..Audience::default() }),
        E::ExtensionRequested { .. } => {
            notice(NoticeKind::ExtensionRequested, Audience { office: true, ..Audience::default() })
        }
        E::ExtensionRuled { approved, .. } => {
            let units = p.pending_extension().map(|e| vec![e.unit_id.clone()]).unwrap_or_else(|| lead_of(p));
            let kind = if *approved { NoticeKind::ExtensionApproved } else { NoticeKind::ExtensionRefused };
            notice(kind, Audience { units, ..Audience::default() })
        }
        E::Urged { .. } => notice(NoticeKind::Urged, Audience { units: lead_of(p), leader, ..Audience::default() }),
        E::Instructed { .. } => {
            notice(NoticeKind::Instructed, Audience { units: lead_of(p), office: true, leader, paired_leader: None })
        }
        // The township calls the enterprise back.
        E::Resolved { .. } => {
            notice(NoticeKind::Resolved, Audience { units: vec![p.township_id.clone()], leader, ..Audience::default() })
        }
        E::Evaluated { satisfaction: Satisfaction::Unsatisfied, .. } => {
            // Reopened to the same lead; an item resolved on the spot goes back to the office.
            let units = lead_of(p);
            let office = units.is_empty();
            notice(NoticeKind::Reopened, Audience { units, office, leader, paired_leader: None })
        }
        E::WithdrawalRequested { .. } => {
            notice(NoticeKind::WithdrawalRequested, Audience { office: true, ..Audience::default() })
        }
        E::WithdrawalRuled { .. } => {
            notice(NoticeKind::WithdrawalRuled, Audience { units: vec![p.township_id.clone()], ..Audience::default() })
        }
        // Closed out (销号): nobody waits on it any more; the leaders who answer for it hear.
        E::Closed { .. } => notice(NoticeKind::Closed, Audience { leader, ..Audience::default() }),
        _ => None,
    }
}

/// Why the notice of an act by `actor` concerns `viewer`, or `None` when it does not. Nobody is
/// told of their own act. A leader who both answers for the item and is paired with its
/// enterprise is told once, as its 负责领导.
pub fn concern(notice: &Notice, actor: &str, viewer: &Viewer<'_>) -> Option<Concern> {
    if viewer.user_id == actor {
        return None;
    }
    let a = &notice.audience;
    let is = |name: &Option<String>| name.as_deref().is_some_and(|l| l == viewer.name.trim());
    match viewer.role {
        Role::Office => a.office.then_some(Concern::Office),
        Role::Leader if is(&a.leader) => Some(Concern::ResponsibleLeader),
        Role::Leader => is(&a.paired_leader).then_some(Concern::PairedLeader),
        Role::Department | Role::Township => a.units.iter().any(|u| u == viewer.unit_id).then_some(Concern::Unit),
    }
}

/// Whether the notice of an act by `actor` concerns `viewer` (`concern` is why).
pub fn concerns(notice: &Notice, actor: &str, viewer: &Viewer<'_>) -> bool {
    concern(notice, actor, viewer).is_some()
}

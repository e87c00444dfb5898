// Where each role's day starts, and the counts its menu shows (issue 19: a home per role).
// The lists themselves are the ledger's (inbox, office console, the ledger's filters); this
// only says which one is whose home and how the menu words its counts.

import { emptyFilter } from '../api'
import type { ConsoleCounts } from '../bindings/ConsoleCounts'
import type { Inbox } from '../bindings/Inbox'
import type { ProblemFilter } from '../bindings/ProblemFilter'
import type { Role } from '../bindings/Role'
import type { SessionInfo } from '../bindings/SessionInfo'

/** A department starts at its 待办, the office at 督办中心, a township at its own 待办, a
 * leader at the dashboard (with 我的事项 one click away). */
export function homeOf(role: Role | undefined): 'inbox' | 'console' | 'todo' | 'dashboard' {
  switch (role) {
    case 'department':
      return 'inbox'
    case 'office':
      return 'console'
    case 'township':
      return 'todo'
    default:
      return 'dashboard'
  }
}

/** The ledger list a user starts at, so one user's filters never carry over to the next: a
 * township its own problems, a department the items its unit leads or supports (the
 * ledger's `involved_unit_id`, answered in Rust), the office and leaders the whole ledger. */
export function startFilter(session: SessionInfo | null): ProblemFilter {
  const f = emptyFilter()
  switch (session?.user.role) {
    case 'township':
      return { ...f, township_id: session.unit.id }
    case 'department':
      return { ...f, involved_unit_id: session.unit.id }
    default:
      return f
  }
}

/** One count beside a menu item: its words (an i18n key) and whether it is bad news. */
export interface BadgePart {
  key: string
  n: number
  danger?: boolean
}

/** The township's own queues, as ledger filters on its problems. */
export type TodoTab = 'callback' | 'registered' | 'withdrawal' | 'overdue'
export const TODO_TABS: TodoTab[] = ['callback', 'registered', 'withdrawal', 'overdue']

export function todoFilter(tab: TodoTab, townshipId: string): ProblemFilter {
  const f: ProblemFilter = { ...emptyFilter(), township_id: townshipId }
  switch (tab) {
    // 待回访: resolved by the department, the enterprise not yet asked.
    case 'callback':
      return { ...f, statuses: ['resolved'], evaluated: false }
    // 待交办: registered and waiting for the office; the township may still resolve it itself.
    case 'registered':
      return { ...f, statuses: ['registered'] }
    // 撤回审批中: a withdrawal the township asked for, waiting for the office's ruling.
    case 'withdrawal':
      return { ...f, withdrawal_pending: true }
    case 'overdue':
      return { ...f, overdue: true }
  }
}

/** A department's menu counts: what waits for its signature, and what is late. */
export function inboxBadges(inbox: Inbox): BadgePart[] {
  return [
    { key: 'inbox.toSign', n: inbox.to_sign.length },
    { key: 'inbox.overdue', n: inbox.overdue.length, danger: true },
  ].filter((p) => p.n > 0)
}

/** The office's: what waits to be assigned, ruled on (returns, extensions, withdrawals) and
 * closed. */
export function consoleBadges(c: ConsoleCounts): BadgePart[] {
  return [
    { key: 'console.toAssign', n: c.to_assign },
    { key: 'home.toRule', n: c.disputed + c.extension_requests + c.withdrawal_requests, danger: true },
    { key: 'console.readyToClose', n: c.ready_to_close },
  ].filter((p) => p.n > 0)
}

/** A township's: the callbacks it owes, and its items that are late. */
export function todoBadges(counts: Record<TodoTab, number>): BadgePart[] {
  return [
    { key: 'todo.callback', n: counts.callback },
    { key: 'todo.overdue', n: counts.overdue, danger: true },
  ].filter((p) => p.n > 0)
}

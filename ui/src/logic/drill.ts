// What a dashboard figure opens: the ledger with the filter that lists the items behind it
// (issue 19: cards and bars click through to the matching ledger view).

import { emptyFilter } from '../api'
import type { ProblemFilter } from '../bindings/ProblemFilter'
import type { Status } from '../bindings/Status'

/** Open = still someone's job (the core's `Status::is_open`: neither closed nor withdrawn). */
export const OPEN_STATUSES: Status[] = ['registered', 'assigned', 'in_progress', 'disputed', 'resolved']

export type Drill =
  | { kind: 'open' }
  | { kind: 'overdue' }
  | { kind: 'due_soon' }
  | { kind: 'status'; status: Status }
  | { kind: 'category'; category: string }
  | { kind: 'township'; unitId: string }
  | { kind: 'department'; unitId: string }

export function drillFilter(d: Drill): ProblemFilter {
  const f = emptyFilter()
  switch (d.kind) {
    case 'open':
      return { ...f, statuses: OPEN_STATUSES }
    case 'overdue':
      return { ...f, overdue: true }
    // 即将到期: the open items at the reminder level, as the dashboard counts them.
    case 'due_soon':
      return { ...f, statuses: OPEN_STATUSES, escalation: 'reminder' }
    case 'status':
      return { ...f, statuses: [d.status] }
    case 'category':
      return { ...f, category: d.category, statuses: OPEN_STATUSES }
    case 'township':
      return { ...f, township_id: d.unitId, statuses: OPEN_STATUSES }
    case 'department':
      return { ...f, lead_unit_id: d.unitId, statuses: OPEN_STATUSES }
  }
}

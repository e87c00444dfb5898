// Small pure pieces of the printable report: rank text, which deadline an overdue line
// missed, the status counts in workflow order.

import type { DepartmentFigures } from '../bindings/DepartmentFigures'
import type { OverdueItem } from '../bindings/OverdueItem'
import type { Status } from '../bindings/Status'

/** Workflow order, as the ledger list and the report workbook show statuses. */
export const STATUS_ORDER: Status[] = ['registered', 'assigned', 'in_progress', 'disputed', 'resolved', 'closed', 'withdrawn']

/** A department's rank, or `unranked` (样本不足) under the minimum sample. */
export function rankText(d: Pick<DepartmentFigures, 'ranked' | 'rank'>, unranked: string): string {
  return d.ranked && d.rank !== null ? String(d.rank) : unranked
}

export type OverdueKind = 'both' | 'sign' | 'handling'

/** Which deadline an overdue line missed. */
export function overdueKind(o: Pick<OverdueItem, 'sign_overdue' | 'handling_overdue'>): OverdueKind {
  if (o.sign_overdue && o.handling_overdue) return 'both'
  return o.sign_overdue ? 'sign' : 'handling'
}

/** Every status with its count (0 when absent), in workflow order; unknown keys last. */
export function statusRows(byStatus: { [key in Status]?: number }): { status: Status; count: number }[] {
  const known = STATUS_ORDER.map((status) => ({ status, count: byStatus[status] ?? 0 }))
  const extra = (Object.keys(byStatus) as Status[])
    .filter((s) => !STATUS_ORDER.includes(s))
    .map((status) => ({ status, count: byStatus[status] ?? 0 }))
  return [...known, ...extra]
}

import type { SortKey } from '../bindings/SortKey'
import type { Status } from '../bindings/Status'

/** Columns of the problem table; `sort` names the server-side sort key, if any. */
export const COLUMNS = [
  { key: 'number', sort: 'number' },
  { key: 'enterprise' },
  { key: 'township' },
  { key: 'category' },
  { key: 'priority' },
  // 已等待 N 天 before the long texts, so it is in view beside the row's number.
  { key: 'waiting' },
  { key: 'status', sort: 'status' },
  { key: 'description' },
  { key: 'demand' },
  { key: 'leader' },
  { key: 'lead' },
  { key: 'handler' },
  { key: 'supporters' },
  { key: 'registered', sort: 'registered' },
  { key: 'signDeadline' },
  { key: 'deadline', sort: 'deadline' },
  { key: 'escalation', sort: 'escalation' },
  { key: 'lateness' },
  { key: 'flags' },
  { key: 'actions' },
] as const satisfies readonly { key: string; sort?: SortKey }[]

export type ColumnKey = (typeof COLUMNS)[number]['key']

export const DEFAULT_COLUMNS: ColumnKey[] = [
  'number',
  'enterprise',
  'township',
  'category',
  'priority',
  'status',
  'description',
  'lead',
  'registered',
  'deadline',
  'escalation',
  'lateness',
  'flags',
  'actions',
]

export const COMPACT_COLUMNS: ColumnKey[] = ['number', 'enterprise', 'status', 'lead', 'deadline', 'escalation', 'lateness']

/** Columns that stay in view at the right edge while the table scrolls sideways (预警, 剩余/逾期,
 * 操作), in this order, each with its fixed width in pixels. */
export const PINNED_RIGHT: readonly { key: ColumnKey; width: number }[] = [
  { key: 'escalation', width: 64 },
  { key: 'lateness', width: 124 },
  { key: 'actions', width: 250 },
]

/** The columns in the order a table draws them: the chosen ones in `COLUMNS` order, the
 * right-pinned ones last; and each right-pinned column's distance from the right edge (the
 * widths of the pinned columns after it). */
export function layoutColumns(chosen: readonly ColumnKey[]): { order: ColumnKey[]; right: Partial<Record<ColumnKey, number>> } {
  const pinned = new Set<ColumnKey>(PINNED_RIGHT.map((p) => p.key))
  const order: ColumnKey[] = COLUMNS.map((c) => c.key).filter((k) => chosen.includes(k) && !pinned.has(k))
  const tail = PINNED_RIGHT.filter((p) => chosen.includes(p.key))
  const right: Partial<Record<ColumnKey, number>> = {}
  let edge = 0
  for (let i = tail.length - 1; i >= 0; i--) {
    right[tail[i].key] = edge
    edge += tail[i].width
  }
  return { order: [...order, ...tail.map((p) => p.key)], right }
}

/** The colour of a status tag: grey before anyone holds it, blue while a department does,
 * amber while the office must rule, green once resolved or closed, grey when withdrawn. */
export function statusTagType(status: Status): 'info' | 'primary' | 'warning' | 'success' {
  switch (status) {
    case 'registered':
    case 'withdrawn':
      return 'info'
    case 'assigned':
    case 'in_progress':
      return 'primary'
    case 'disputed':
      return 'warning'
    case 'resolved':
    case 'closed':
      return 'success'
  }
}

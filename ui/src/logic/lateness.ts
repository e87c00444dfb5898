// Presentation of the lateness the core derived (never computed here).

import type { Escalation } from '../bindings/Escalation'
import type { Lateness } from '../bindings/Lateness'

/** The row class of an escalation level: 提醒 light blue, 黄牌 yellow, 红牌 red. */
export function escalationRowClass(level: Escalation | null | undefined): string {
  switch (level) {
    case 'reminder':
      return 'tz-row-reminder'
    case 'yellow':
      return 'tz-row-yellow'
    case 'red':
      return 'tz-row-red'
    default:
      return ''
  }
}

/** Element Plus tag type for an escalation level. */
export function escalationTagType(level: Escalation): 'info' | 'primary' | 'warning' | 'danger' {
  switch (level) {
    case 'reminder':
      return 'primary'
    case 'yellow':
      return 'warning'
    case 'red':
      return 'danger'
    default:
      return 'info'
  }
}

/** Which lateness phrase to show: days overdue, days left, or nothing. */
export function latenessPhrase(l: Lateness): { key: 'daysOverdue' | 'daysLeft' | 'signOverdue'; n: number } | null {
  if (l.handling_overdue) return { key: 'daysOverdue', n: l.days_overdue }
  if (l.sign_overdue) return { key: 'signOverdue', n: 0 }
  if (l.days_left !== null) return { key: 'daysLeft', n: l.days_left }
  return null
}

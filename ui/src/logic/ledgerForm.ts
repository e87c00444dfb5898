// The ledger's search form (issue 19, RuoYi-style): the fields always shown, those behind
// 展开, and how many of the hidden ones are in use (shown on the 展开 button, so a filter
// never narrows the list unseen).

import type { ProblemFilter } from '../bindings/ProblemFilter'

/** The form's fields, each named by the filter keys it sets. */
export type FormField =
  | 'text'
  | 'statuses'
  | 'township'
  | 'lead'
  | 'involved'
  | 'supporter'
  | 'leader'
  | 'pairedLeader'
  | 'keyLevel'
  | 'category'
  | 'priority'
  | 'callback'
  | 'overdue'
  | 'escalation'
  | 'registered'
  | 'deadline'

/** Always shown: what people filter by first. */
export const FIRST_ROW: readonly FormField[] = ['text', 'statuses', 'township', 'lead', 'involved']
/** Behind 展开. */
export const MORE_FIELDS: readonly FormField[] = [
  'supporter',
  'leader',
  'pairedLeader',
  'keyLevel',
  'category',
  'priority',
  'callback',
  'overdue',
  'escalation',
  'registered',
  'deadline',
]

/** Whether a field of the form narrows the list now. */
export function fieldInUse(f: ProblemFilter, field: FormField): boolean {
  switch (field) {
    case 'text':
      return !!f.text?.trim()
    case 'statuses':
      return f.statuses.length > 0
    case 'township':
      return f.township_id !== null
    case 'lead':
      return f.lead_unit_id !== null
    case 'involved':
      return f.involved_unit_id !== null
    case 'supporter':
      return f.supporter_unit_id !== null
    case 'leader':
      return f.responsible_leader !== null
    case 'pairedLeader':
      return f.paired_leader !== null
    case 'keyLevel':
      return f.key_levels.length > 0
    case 'category':
      return f.category !== null
    case 'priority':
      return f.priority !== null
    case 'callback':
      return f.evaluated !== null
    case 'overdue':
      return f.overdue !== null
    case 'escalation':
      return f.escalation !== null
    case 'registered':
      return f.registered_from !== null || f.registered_to !== null
    case 'deadline':
      return f.deadline_from !== null || f.deadline_to !== null
  }
}

/** How many of the fields behind 展开 are in use. */
export function hiddenInUse(f: ProblemFilter): number {
  return MORE_FIELDS.filter((x) => fieldInUse(f, x)).length
}

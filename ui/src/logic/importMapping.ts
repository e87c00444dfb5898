// The import wizard's choices (sheet, header row, column and unit corrections) as pure state,
// and how it becomes the `ImportOptions` the preview and the commit are asked with. Only the
// user's corrections are sent: an empty option means "as the Rust side detected".

import type { CategoryChoice } from '../bindings/CategoryChoice'
import type { ColumnChoice } from '../bindings/ColumnChoice'
import type { ColumnMapping } from '../bindings/ColumnMapping'
import type { Field } from '../bindings/Field'
import type { ImportKind } from '../bindings/ImportKind'
import type { ImportOptions } from '../bindings/ImportOptions'
import type { RowIssue } from '../bindings/RowIssue'
import type { UnitChoice } from '../bindings/UnitChoice'

export interface MappingState {
  /** null: the sheet the reader picked. */
  sheet: string | null
  /** 1-based; null: the header row the reader detected. */
  headerRow: number | null
  /** Column corrections in the order they were made (a later one wins on the Rust side). */
  columns: ColumnChoice[]
  /** Unit corrections by the name in the sheet; unit_id null = create the unit. */
  units: UnitChoice[]
  /** Category corrections: a value of the sheet's category column means this category. */
  categories: CategoryChoice[]
  /** Categories the office adds to the list in the same import. */
  addCategories: string[]
}

export function emptyMapping(): MappingState {
  return { sheet: null, headerRow: null, columns: [], units: [], categories: [], addCategories: [] }
}

/** Another sheet: its header and columns are its own, so column corrections are dropped. */
export function chooseSheet(s: MappingState, sheet: string): MappingState {
  return { ...s, sheet, headerRow: null, columns: [] }
}

/** Another header row: the columns are read afresh, so column corrections are dropped. */
export function chooseHeaderRow(s: MappingState, row: number | null): MappingState {
  const r = row !== null && Number.isInteger(row) && row >= 1 ? row : null
  return { ...s, headerRow: r, columns: [] }
}

/** Column `column` holds `field` (null: not imported). A field belongs to one column only:
 * an earlier correction that gave the same field to another column now leaves that column
 * unimported (as the Rust side does with a detected column holding the field). */
export function chooseColumn(s: MappingState, column: number, field: Field | null): MappingState {
  const columns = s.columns
    .filter((c) => c.column !== column)
    .map((c) => (field !== null && c.field === field ? { column: c.column, field: null } : c))
  columns.push({ column, field })
  return { ...s, columns }
}

/** A unit name of the sheet means this existing unit (null: create it). */
export function chooseUnit(s: MappingState, name: string, unitId: string | null): MappingState {
  const units = s.units.filter((u) => u.name !== name)
  units.push({ name, unit_id: unitId })
  return { ...s, units }
}

/** Select value for "add this value to the category list". */
export const ADD_CATEGORY = '__add__'

/** A value of the sheet's category column means `choice`: a configured category, or
 * `ADD_CATEGORY` to add the value itself to the list (the office's settings change, made in
 * the import's transaction). Choosing again replaces the earlier choice for that value. */
export function chooseCategory(s: MappingState, value: string, choice: string): MappingState {
  const categories = s.categories.filter((c) => c.name !== value)
  const addCategories = s.addCategories.filter((a) => a !== value)
  if (choice === ADD_CATEGORY) addCategories.push(value)
  else if (choice) categories.push({ name: value, category: choice })
  return { ...s, categories, addCategories }
}

export function toOptions(s: MappingState): ImportOptions {
  return {
    sheet: s.sheet,
    header_row: s.headerRow,
    columns: s.columns.map((c) => ({ ...c })),
    units: s.units.map((u) => ({ ...u })),
    categories: s.categories.map((c) => ({ ...c })),
    add_categories: [...s.addCategories],
  }
}

/** Select values: el-select cannot tell null from "nothing chosen", so these stand in. */
export const NOT_IMPORTED = '__none__'
export const CREATE_UNIT = '__new__'

export function fieldToValue(f: Field | null): string {
  return f ?? NOT_IMPORTED
}
export function valueToField(v: string): Field | null {
  return v === NOT_IMPORTED || v === '' ? null : (v as Field)
}
export function unitToValue(id: string | null): string {
  return id ?? CREATE_UNIT
}
export function valueToUnit(v: string): string | null {
  return v === CREATE_UNIT || v === '' ? null : v
}

/** The fields a problem ledger's columns may hold, in the order of a typical 台账. */
export const LEDGER_FIELDS: Field[] = [
  'serial_no',
  'number',
  'enterprise',
  'credit_code',
  'township',
  'contact',
  'phone',
  'source',
  'category',
  'description',
  'demand',
  'raised_on',
  'assigned_on',
  'lead_unit',
  'support_units',
  'responsible_leader',
  'handler',
  'time_limit',
  'signed_on',
  'progress',
  'result',
  'extension',
  'escalation',
  'resolved_on',
  'satisfaction',
  'closed_on',
  'done',
  'status',
  'remarks',
]

/** The fields an enterprise list's columns may hold. */
export const ENTERPRISE_FIELDS: Field[] = [
  'serial_no',
  'enterprise',
  'credit_code',
  'township',
  'industry',
  'scale',
  'key_level',
  'address',
  'contact',
  'phone',
  'steward',
  'paired_leader',
  'remarks',
]

/** The choices offered for one column: the kind's fields, plus whatever the column holds now
 * (detection may have found a field the kind does not use). */
export function fieldChoices(kind: ImportKind, current: Field | null): Field[] {
  const base = kind === 'ledger' ? LEDGER_FIELDS : ENTERPRISE_FIELDS
  return current && !base.includes(current) ? [...base, current] : base
}

/** Which other column already holds the field (for a hint when a choice will move it). */
export function columnHolding(columns: ColumnMapping[], field: Field, except: number): ColumnMapping | null {
  return columns.find((c) => c.field === field && c.column !== except) ?? null
}

export interface IssueCounts {
  errors: number
  warnings: number
}

export function countIssues(issues: RowIssue[]): IssueCounts {
  let errors = 0
  let warnings = 0
  for (const i of issues) {
    if (i.severity === 'error') errors++
    else warnings++
  }
  return { errors, warnings }
}

/** Issues to show: errors first (then by row), optionally errors only, at most `limit`. */
export function visibleIssues(issues: RowIssue[], errorsOnly: boolean, limit: number): RowIssue[] {
  const rank = (i: RowIssue) => (i.severity === 'error' ? 0 : 1)
  return issues
    .filter((i) => !errorsOnly || i.severity === 'error')
    .slice()
    .sort((a, b) => rank(a) - rank(b) || a.row - b.row)
    .slice(0, limit)
}

import { describe, expect, it } from 'vitest'

import type { RowIssue } from '../src/bindings/RowIssue'
import {
  ADD_CATEGORY,
  CREATE_UNIT,
  ENTERPRISE_FIELDS,
  LEDGER_FIELDS,
  NOT_IMPORTED,
  chooseCategory,
  chooseColumn,
  chooseHeaderRow,
  chooseSheet,
  chooseUnit,
  columnHolding,
  countIssues,
  emptyMapping,
  fieldChoices,
  fieldToValue,
  toOptions,
  unitToValue,
  valueToField,
  valueToUnit,
  visibleIssues,
} from '../src/logic/importMapping'
import { exportFileName, safeFileName, withExtension } from '../src/logic/exportFile'
import { percentOf } from '../src/logic/format'

describe('import mapping → ImportOptions', () => {
  it('sends nothing but nulls and empty lists when nothing was changed', () => {
    expect(toOptions(emptyMapping())).toEqual({ sheet: null, header_row: null, columns: [], units: [], categories: [], add_categories: [] })
  })

  it('keeps column corrections in order, one per column, the latest winning', () => {
    let s = emptyMapping()
    s = chooseColumn(s, 3, 'description')
    s = chooseColumn(s, 5, null)
    s = chooseColumn(s, 3, 'demand')
    expect(toOptions(s).columns).toEqual([
      { column: 5, field: null },
      { column: 3, field: 'demand' },
    ])
  })

  it('a field moved to another column leaves the earlier column unimported', () => {
    let s = chooseColumn(emptyMapping(), 2, 'lead_unit')
    s = chooseColumn(s, 7, 'lead_unit')
    expect(toOptions(s).columns).toEqual([
      { column: 2, field: null },
      { column: 7, field: 'lead_unit' },
    ])
  })

  it('a new sheet or header row drops the column corrections, not the unit ones', () => {
    let s = chooseColumn(emptyMapping(), 1, 'enterprise')
    s = chooseUnit(s, '区工信局', 'gx')
    s = chooseHeaderRow(s, 3)
    expect(toOptions(s)).toEqual({ sheet: null, header_row: 3, columns: [], units: [{ name: '区工信局', unit_id: 'gx' }], categories: [], add_categories: [] })
    s = chooseColumn(s, 1, 'enterprise')
    s = chooseSheet(s, '2025年')
    expect(toOptions(s)).toEqual({ sheet: '2025年', header_row: null, columns: [], units: [{ name: '区工信局', unit_id: 'gx' }], categories: [], add_categories: [] })
  })

  it('a category value is mapped to a listed category or added to the list, one choice per value', () => {
    let s = chooseCategory(emptyMapping(), '人才引进', '用工')
    s = chooseCategory(s, '科技创新', ADD_CATEGORY)
    expect(toOptions(s).categories).toEqual([{ name: '人才引进', category: '用工' }])
    expect(toOptions(s).add_categories).toEqual(['科技创新'])
    // Choosing again replaces: an added value mapped instead is no longer added, and back.
    s = chooseCategory(s, '科技创新', '其他')
    s = chooseCategory(s, '人才引进', ADD_CATEGORY)
    expect(toOptions(s).categories).toEqual([{ name: '科技创新', category: '其他' }])
    expect(toOptions(s).add_categories).toEqual(['人才引进'])
    // The choices survive another header row (the values are the sheet's, not a column's).
    expect(toOptions(chooseHeaderRow(s, 2)).add_categories).toEqual(['人才引进'])
  })

  it('ignores a header row that is not a positive whole number', () => {
    expect(chooseHeaderRow(emptyMapping(), 0).headerRow).toBeNull()
    expect(chooseHeaderRow(emptyMapping(), 2.5).headerRow).toBeNull()
    expect(chooseHeaderRow(emptyMapping(), null).headerRow).toBeNull()
  })

  it('one unit choice per name; null means create', () => {
    let s = chooseUnit(emptyMapping(), '城关街道', 'cg')
    s = chooseUnit(s, '新区管委会', null)
    s = chooseUnit(s, '城关街道', null)
    expect(toOptions(s).units).toEqual([
      { name: '新区管委会', unit_id: null },
      { name: '城关街道', unit_id: null },
    ])
  })

  it('does not share state with the options it produced', () => {
    const s = chooseColumn(emptyMapping(), 0, 'number')
    const o = toOptions(s)
    o.columns[0].field = 'remarks'
    expect(s.columns[0].field).toBe('number')
  })

  it('maps select values to null and back', () => {
    expect(fieldToValue(null)).toBe(NOT_IMPORTED)
    expect(valueToField(NOT_IMPORTED)).toBeNull()
    expect(valueToField('category')).toBe('category')
    expect(unitToValue(null)).toBe(CREATE_UNIT)
    expect(valueToUnit(CREATE_UNIT)).toBeNull()
    expect(valueToUnit('gx')).toBe('gx')
  })

  it('offers the fields of the kind, plus what the column holds', () => {
    expect(fieldChoices('ledger', null)).toBe(LEDGER_FIELDS)
    expect(fieldChoices('enterprises', 'industry')).toBe(ENTERPRISE_FIELDS)
    expect(fieldChoices('enterprises', 'lead_unit')).toEqual([...ENTERPRISE_FIELDS, 'lead_unit'])
    expect(LEDGER_FIELDS).toContain('description')
    expect(new Set(LEDGER_FIELDS).size).toBe(LEDGER_FIELDS.length)
  })

  it('finds the other column holding a field', () => {
    const cols = [
      { column: 0, letter: 'A', header: '企业名称', field: 'enterprise' as const, matched: 'exact' as const, also: null },
      { column: 1, letter: 'B', header: '企业', field: 'enterprise' as const, matched: 'by_hand' as const, also: null },
      { column: 2, letter: 'C', header: '备注', field: null, matched: null, also: null },
    ]
    expect(columnHolding(cols, 'enterprise', 1)?.letter).toBe('A')
    expect(columnHolding(cols, 'remarks', 1)).toBeNull()
  })
})

describe('row issues', () => {
  const issues: RowIssue[] = [
    { row: 9, column: '提出时间', value: '2099-01-01', code: 'import.row.future_date', severity: 'warning' },
    { row: 12, column: '企业名称', value: '', code: 'import.row.missing_enterprise', severity: 'error' },
    { row: 4, column: '提出时间', value: '昨天', code: 'import.row.bad_date', severity: 'error' },
  ]

  it('counts errors and warnings', () => {
    expect(countIssues(issues)).toEqual({ errors: 2, warnings: 1 })
    expect(countIssues([])).toEqual({ errors: 0, warnings: 0 })
  })

  it('shows errors first by row, optionally errors only, at most the limit', () => {
    expect(visibleIssues(issues, false, 10).map((i) => i.row)).toEqual([4, 12, 9])
    expect(visibleIssues(issues, true, 10).map((i) => i.row)).toEqual([4, 12])
    expect(visibleIssues(issues, false, 1).map((i) => i.row)).toEqual([4])
    expect(issues.map((i) => i.row)).toEqual([9, 12, 4])
  })
})

describe('export files and progress', () => {
  it('adds the extension unless the path has it', () => {
    expect(withExtension('/tmp/台账', 'xlsx')).toBe('/tmp/台账.xlsx')
    expect(withExtension(' /tmp/a.XLSX ', 'xlsx')).toBe('/tmp/a.XLSX')
    expect(withExtension('C:\\out\\a.csv', 'csv')).toBe('C:\\out\\a.csv')
    expect(withExtension('  ', 'csv')).toBe('')
  })

  it('makes file names without reserved characters', () => {
    expect(safeFileName('报表-2026-03-01..2026-03-15')).toBe('报表-2026-03-01至2026-03-15')
    expect(safeFileName('a/b:c*?"<>|')).toBe('a-b-c------')
    expect(exportFileName('报表', '2026年3月上旬', 'xlsx')).toBe('报表-2026年3月上旬.xlsx')
  })

  it('turns progress into a percentage', () => {
    expect(percentOf(0, 0)).toBe(0)
    expect(percentOf(1, 3)).toBe(33)
    expect(percentOf(5, 4)).toBe(100)
  })
})

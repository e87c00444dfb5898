// The monitoring reports as printed pages (docs/monitoring.md, "Printing"): 月报, 旬报 summary,
// 项目进度月报 and 预警清单, each laid out for A4 landscape by views/MonitoringPrintView.vue from the
// same command the screen reads. Nothing here computes a figure: it carries what the screen
// is showing (month, township, 旬, the board's filter) to the print page and back through the
// route's query, and arranges the ledger's rows and totals in the order the workbooks use.

import type { LocationQuery, LocationQueryRaw } from 'vue-router'

import type { IndicatorDef } from '../bindings/IndicatorDef'
import type { IndicatorFigures } from '../bindings/IndicatorFigures'
import type { Level } from '../bindings/Level'
import type { MonitoringSheet } from '../bindings/MonitoringSheet'
import type { Month } from '../bindings/Month'
import type { MonthlyReport } from '../bindings/MonthlyReport'
import type { MonthlyRow } from '../bindings/MonthlyRow'
import type { MonthlyTotal } from '../bindings/MonthlyTotal'
import type { Role } from '../bindings/Role'
import type { Xun } from '../bindings/Xun'
import { issuingLine } from './documents'
import { LEVELS, monthText, parseMonth } from './monitoring'

/** The reports that print: a workbook's name (`MonitoringSheet`) is a print page's too. */
export type PrintSheet = MonitoringSheet['sheet']
export const PRINT_SHEETS: PrintSheet[] = ['monthly', 'production', 'projects', 'warnings']

export const XUNS: Xun[] = ['first', 'second', 'third']

/** What a monitoring screen shows, as its route's query keeps it (so 返回 from the print page
 * finds the screen as it was, and the print page prints the same). */
export interface MonitoringQuery {
  month: Month
  /** null: the district (a township official's own township is the shell's, whatever this says). */
  townshipId: string | null
  xun: Xun
  /** The warnings board's filter. */
  openOnly: boolean
  mine: boolean
  level: Level | ''
}

const one = (v: LocationQuery[string] | undefined): string | undefined => (Array.isArray(v) ? (v[0] ?? undefined) : (v ?? undefined))

/** Reads the query, each value falling back to the screen's default when absent or not valid. */
export function readMonitoringQuery(query: LocationQuery, defaultMonth: Month): MonitoringQuery {
  const xun = one(query.xun) as Xun | undefined
  const level = one(query.level) as Level | undefined
  return {
    month: parseMonth(one(query.month)) ?? defaultMonth,
    townshipId: one(query.township) || null,
    xun: xun && XUNS.includes(xun) ? xun : 'first',
    openOnly: one(query.open) !== '0',
    mine: one(query.mine) === '1',
    level: level && (LEVELS as readonly string[]).includes(level) ? level : '',
  }
}

/** The query of `q`, defaults left out: `readMonitoringQuery` reads it back to `q`. */
export function monitoringQueryOf(q: MonitoringQuery): Record<string, string> {
  const out: Record<string, string> = { month: monthText(q.month) }
  if (q.townshipId) out.township = q.townshipId
  if (q.xun !== 'first') out.xun = q.xun
  if (!q.openOnly) out.open = '0'
  if (q.mine) out.mine = '1'
  if (q.level) out.level = q.level
  return out
}

/** The print page of `sheet` for what the screen shows. */
export function printRoute(sheet: PrintSheet, q: MonitoringQuery): { name: string; params: { sheet: PrintSheet }; query: LocationQueryRaw } {
  return { name: 'print-monitoring', params: { sheet }, query: monitoringQueryOf(q) }
}

export function isPrintSheet(s: string): s is PrintSheet {
  return (PRINT_SHEETS as string[]).includes(s)
}

/** 制表单位: a township or department prints as itself; the office and the leaders print the
 * district's tables as the office that compiles them (the documents' 落款, with the district). */
export function compilerOf(role: Role, unitName: string, district: string, issuer: string): string {
  if (role === 'township' || role === 'department') return unitName
  return issuingLine({ district, issuer }) || unitName
}

/** A monthly report's lines in the workbook's order: each township's enterprises, closed by
 * its 小计, then the district's 合计. The totals are the ledger's (`MonthlyTotal`). */
export type MonthlyLine =
  | { kind: 'row'; serial: number; row: MonthlyRow }
  | { kind: 'subtotal'; total: MonthlyTotal }
  | { kind: 'total'; total: MonthlyTotal }

export function monthlyLines(r: MonthlyReport): MonthlyLine[] {
  const out: MonthlyLine[] = []
  let serial = 0
  const placed = new Set<string>()
  for (const t of r.totals) {
    if (t.township_id === null) continue
    for (const row of r.rows) {
      if (row.enterprise.township_id !== t.township_id) continue
      placed.add(row.enterprise.enterprise_id)
      out.push({ kind: 'row', serial: ++serial, row })
    }
    out.push({ kind: 'subtotal', total: t })
  }
  // Every enterprise is printed, even one whose township has no total line.
  for (const row of r.rows) if (!placed.has(row.enterprise.enterprise_id)) out.push({ kind: 'row', serial: ++serial, row })
  const district = r.totals.find((t) => t.township_id === null)
  if (district) out.push({ kind: 'total', total: district })
  return out
}

/** The columns under an indicator, as the workbook has them: 本月, 1—本月累计 and 累计同比 where
 * the indicator sums over the year, else 本月 and 同比 (an average headcount has no 累计). */
export type FigureColumn = 'value' | 'cumulative' | 'cumulative_yoy' | 'yoy'

export function figureColumns(d: IndicatorDef): FigureColumn[] {
  return d.cumulative ? ['value', 'cumulative', 'cumulative_yoy'] : ['value', 'yoy']
}

/** The figure of a column: an amount (hundredths) or a percentage. */
export function figureOf(f: IndicatorFigures | undefined, c: FigureColumn): number | null {
  return f ? f[c] : null
}

/** The figure columns of a line: every indicator's and 产品销售率 (what a 未报 cell spans). */
export function figureSpan(defs: IndicatorDef[]): number {
  return defs.reduce((n, d) => n + figureColumns(d).length, 0) + 1
}

/** A printed amount: 123450 → "1,234.50" (hundredths of the unit, two decimals, thousands
 * separated, as the workbooks format them); null → "—". */
export function printedAmount(a: number | null | undefined): string {
  if (a === null || a === undefined) return '—'
  const sign = a < 0 ? '-' : ''
  const abs = Math.abs(a)
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`
}

/** A printed headcount: 123400 (hundredths of 人) → "1,234"; the ledger's average may carry
 * hundredths, which are kept. */
export function printedCount(a: number | null | undefined): string {
  if (a === null || a === undefined) return '—'
  return a % 100 === 0 ? printedAmount(a).slice(0, -3) : printedAmount(a)
}

/** A percentage under a "（%）" header: 15 → "15.00", -10.1 → "-10.10", null → "—". */
export function printedPercent(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  return x.toFixed(2)
}

/** An indicator's figure as printed: headcounts (人) without decimals, other units in amounts. */
export function printedFigure(d: IndicatorDef, c: FigureColumn, v: number | null): string {
  if (c === 'yoy' || c === 'cumulative_yoy') return printedPercent(v)
  return d.unit === '人' ? printedCount(v) : printedAmount(v)
}

/** The warnings a board filtered by `level` shows (the board's own filter: the ledger's rows). */
export function warningsAtLevel<T extends { level: Level }>(rows: T[], level: Level | ''): T[] {
  return level ? rows.filter((r) => r.level === level) : rows
}

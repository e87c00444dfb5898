// Reading and showing the monitoring figures (docs/monitoring.md): amounts are integers in
// hundredths of their unit, months are {year, month}. The arithmetic is the core's; this only
// reads what people type and writes what the ledger computed.

import type { Amount } from '../bindings/Amount'
import type { Month } from '../bindings/Month'
import { beijingToday } from './period'

/** 123450 → "1234.5", -3 → "-0.03", null → "—": no trailing zeros, as the CLI writes them. */
export function formatAmount(a: Amount | null | undefined): string {
  if (a === null || a === undefined) return '—'
  const sign = a < 0 ? '-' : ''
  const abs = Math.abs(a)
  const whole = Math.floor(abs / 100)
  const frac = abs % 100
  if (frac === 0) return `${sign}${whole}`
  if (frac % 10 === 0) return `${sign}${whole}.${frac / 10}`
  return `${sign}${whole}.${String(frac).padStart(2, '0')}`
}

/** An amount as typed into a cell: blank is null; "1,234.5", full-width digits and a leading
 * minus are read as offices write them (at most two decimals), the same reading as the core's
 * `Amount::parse`. Anything else is `undefined` (not a number). */
export function parseAmount(text: string): Amount | null | undefined {
  const cleaned = [...text.trim()]
    .filter((c) => c !== ',' && c !== '，' && !/\s/.test(c))
    .map((c) => {
      const code = c.charCodeAt(0)
      if (code >= 0xff10 && code <= 0xff19) return String.fromCharCode(code - 0xff10 + 48)
      if (c === '．') return '.'
      if (c === '－') return '-'
      return c
    })
    .join('')
  if (cleaned === '') return null
  const negative = cleaned.startsWith('-')
  const digits = negative ? cleaned.slice(1) : cleaned
  const m = /^(\d{1,15})(?:\.(\d{0,2}))?$/.exec(digits)
  if (!m) return undefined
  const v = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  return negative ? -v : v
}

/** 15 → "+15.00%", -10.1 → "-10.10%", null → "—". */
export function formatPercent(x: number | null | undefined, signed = true): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—'
  const s = x.toFixed(2)
  return `${signed && x > 0 ? '+' : ''}${s}%`
}

export function monthText(m: Month): string {
  return `${m.year}-${String(m.month).padStart(2, '0')}`
}

/** "2026-03" → {2026, 3}; null when not a month. */
export function parseMonth(text: string | null | undefined): Month | null {
  const m = /^(\d{4})-(\d{1,2})$/.exec(text ?? '')
  if (!m) return null
  const month = Number(m[2])
  return month >= 1 && month <= 12 ? { year: Number(m[1]), month } : null
}

/** The month before the one containing `today` (YYYY-MM-DD, Beijing): the month reported now. */
export function lastMonth(today: string = beijingToday()): Month {
  const [y, m] = today.split('-').map(Number)
  return m === 1 ? { year: y - 1, month: 12 } : { year: y, month: m - 1 }
}

export const LEVELS = ['red', 'orange', 'yellow', 'blue'] as const
export type LevelKey = (typeof LEVELS)[number]

/** The colour of a warning level's tag. */
export const LEVEL_COLORS: Record<LevelKey, string> = {
  red: '#d93026',
  orange: '#f08a24',
  yellow: '#d4a800',
  blue: '#3d7bd9',
}

/** Open warnings counted by level. */
export function countByLevel(rows: { level: LevelKey; open: boolean }[]): Record<LevelKey, number> {
  const out: Record<LevelKey, number> = { red: 0, orange: 0, yellow: 0, blue: 0 }
  for (const r of rows) if (r.open) out[r.level] += 1
  return out
}

/** The next cell of an entry grid of `rows` × `cols` from (r, c): `dir` 1 forward (Tab,
 * Enter), -1 back (Shift), row-major; `down` moves within the column. null past either end. */
export function nextCell(
  r: number,
  c: number,
  rows: number,
  cols: number,
  move: 'next' | 'prev' | 'down' | 'up',
): [number, number] | null {
  if (move === 'down') return r + 1 < rows ? [r + 1, c] : null
  if (move === 'up') return r > 0 ? [r - 1, c] : null
  const i = r * cols + c + (move === 'next' ? 1 : -1)
  if (i < 0 || i >= rows * cols) return null
  return [Math.floor(i / cols), i % cols]
}

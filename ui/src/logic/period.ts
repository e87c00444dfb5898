// Report periods as the core parses them: "2026-03-上旬", "2026-03", "2026-Q1", "2026",
// "2026-03-01..2026-03-15", or "campaign". The UI only builds the string; the core decides
// what it covers.

export type PeriodChoiceKind = 'xun' | 'month' | 'quarter' | 'year' | 'custom' | 'campaign'

export interface PeriodChoice {
  kind: PeriodChoiceKind
  year: number
  /** 1–12 */
  month: number
  /** 1 = 上旬, 2 = 中旬, 3 = 下旬 */
  xun: 1 | 2 | 3
  /** 1–4 */
  quarter: number
  /** YYYY-MM-DD, for custom */
  from: string
  to: string
}

export const PERIOD_KINDS: PeriodChoiceKind[] = ['xun', 'month', 'quarter', 'year', 'custom', 'campaign']
const XUN = ['上旬', '中旬', '下旬'] as const

const pad2 = (n: number) => String(n).padStart(2, '0')

/** The period string for a choice; empty when a custom range is incomplete. */
export function periodString(c: PeriodChoice): string {
  switch (c.kind) {
    case 'xun':
      return `${c.year}-${pad2(c.month)}-${XUN[c.xun - 1]}`
    case 'month':
      return `${c.year}-${pad2(c.month)}`
    case 'quarter':
      return `${c.year}-Q${c.quarter}`
    case 'year':
      return `${c.year}`
    case 'custom':
      return c.from && c.to ? `${c.from}..${c.to}` : ''
    case 'campaign':
      return 'campaign'
  }
}

/** Today's date in Beijing (the ledger's time zone), as YYYY-MM-DD. */
export function beijingToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
}

/** A choice of the given kind that contains `today` (YYYY-MM-DD). */
export function periodContaining(kind: PeriodChoiceKind, today: string): PeriodChoice {
  const [y, m, d] = today.split('-').map(Number)
  const xun: 1 | 2 | 3 = d <= 10 ? 1 : d <= 20 ? 2 : 3
  const monthStart = `${y}-${pad2(m)}-01`
  return { kind, year: y, month: m, xun, quarter: Math.floor((m - 1) / 3) + 1, from: monthStart, to: today }
}

// Formatting only: instants in Beijing time, rates as percentages, tag colours of states.

/** "2026-03-05T01:02:03Z" → "2026-03-05 09:02" (Beijing, UTC+8, no DST). */
export function formatInstant(rfc3339: string | null | undefined): string {
  if (!rfc3339) return ''
  const ms = Date.parse(rfc3339)
  if (Number.isNaN(ms)) return rfc3339
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
}

/** 0.8523 → "85.2%"; null → "—". */
export function formatRate(r: number | null | undefined): string {
  if (r === null || r === undefined || Number.isNaN(r)) return '—'
  return `${(r * 100).toFixed(1)}%`
}

export function formatNumber(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—'
  return Number.isInteger(n) ? String(n) : n.toFixed(digits)
}

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A real calendar date written YYYY-MM-DD (its format only). */
export function isFullDate(s: string): boolean {
  const m = FULL_DATE.exec(s.trim())
  if (!m) return false
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]))
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3]
}

/** A percentage for el-progress from `done` of `total` (0 while the total is not known). */
export function percentOf(done: number, total: number): number {
  return total > 0 ? Math.min(100, Math.max(0, Math.round((done * 100) / total))) : 0
}

/** The tag colour of a device's state on the server: approved, waiting, revoked. */
export function deviceStateTag(state: string): 'success' | 'warning' | 'danger' {
  return state === 'approved' ? 'success' : state === 'pending' ? 'warning' : 'danger'
}

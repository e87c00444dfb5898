// The scorecard's order (issue 19, item 7): as ranked (Rust's order: ranked by score, then the
// unranked by name), or the units with the most 红牌, then 黄牌, then overdue items first — the
// worst at the top. The counts are Rust's (`red_now`, `yellow_now`, from the core's escalation);
// this only orders the rows already made.

export type ScorecardOrder = 'rank' | 'cards'

interface Cards {
  unit_name: string
  red_now: number
  yellow_now: number
  overdue_now?: number
}

/** The rows in the chosen order; `cards` is stable for equal counts (by name). */
export function orderByCards<T>(rows: readonly T[], order: ScorecardOrder, cards: (row: T) => Cards): T[] {
  if (order === 'rank') return [...rows]
  return [...rows].sort((a, b) => {
    const x = cards(a)
    const y = cards(b)
    return (
      y.red_now - x.red_now ||
      y.yellow_now - x.yellow_now ||
      (y.overdue_now ?? 0) - (x.overdue_now ?? 0) ||
      x.unit_name.localeCompare(y.unit_name, 'zh-CN')
    )
  })
}

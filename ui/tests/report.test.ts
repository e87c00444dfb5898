import { describe, expect, it } from 'vitest'

import { overdueKind, rankText, statusRows } from '../src/logic/report'

describe('report helpers', () => {
  it('shows 样本不足 for unranked departments', () => {
    expect(rankText({ ranked: true, rank: 2 }, '样本不足')).toBe('2')
    expect(rankText({ ranked: false, rank: null }, '样本不足')).toBe('样本不足')
    expect(rankText({ ranked: true, rank: null }, '样本不足')).toBe('样本不足')
  })

  it('names the deadline an overdue line missed', () => {
    expect(overdueKind({ sign_overdue: true, handling_overdue: false })).toBe('sign')
    expect(overdueKind({ sign_overdue: false, handling_overdue: true })).toBe('handling')
    expect(overdueKind({ sign_overdue: true, handling_overdue: true })).toBe('both')
  })

  it('lists every status in workflow order', () => {
    const rows = statusRows({ closed: 3, registered: 1 })
    expect(rows.map((r) => r.status)).toEqual(['registered', 'assigned', 'in_progress', 'disputed', 'resolved', 'closed', 'withdrawn'])
    expect(rows.find((r) => r.status === 'closed')?.count).toBe(3)
    expect(rows.find((r) => r.status === 'assigned')?.count).toBe(0)
  })
})

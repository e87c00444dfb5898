import { describe, expect, it } from 'vitest'

import { beijingToday, periodContaining, periodString, type PeriodChoice } from '../src/logic/period'

const base: PeriodChoice = { kind: 'month', year: 2026, month: 3, xun: 1, quarter: 1, from: '', to: '' }

describe('period strings', () => {
  it('builds every kind the core parses', () => {
    expect(periodString({ ...base, kind: 'xun', xun: 1 })).toBe('2026-03-上旬')
    expect(periodString({ ...base, kind: 'xun', xun: 2 })).toBe('2026-03-中旬')
    expect(periodString({ ...base, kind: 'xun', month: 11, xun: 3 })).toBe('2026-11-下旬')
    expect(periodString({ ...base, kind: 'month' })).toBe('2026-03')
    expect(periodString({ ...base, kind: 'quarter', quarter: 4 })).toBe('2026-Q4')
    expect(periodString({ ...base, kind: 'year' })).toBe('2026')
    expect(periodString({ ...base, kind: 'custom', from: '2026-03-01', to: '2026-03-15' })).toBe('2026-03-01..2026-03-15')
    expect(periodString({ ...base, kind: 'campaign' })).toBe('campaign')
  })

  it('gives nothing for an incomplete custom range', () => {
    expect(periodString({ ...base, kind: 'custom', from: '2026-03-01', to: '' })).toBe('')
  })

  it('picks the 旬 and quarter containing a day', () => {
    expect(periodString(periodContaining('xun', '2026-03-10'))).toBe('2026-03-上旬')
    expect(periodString(periodContaining('xun', '2026-03-11'))).toBe('2026-03-中旬')
    expect(periodString(periodContaining('xun', '2026-02-21'))).toBe('2026-02-下旬')
    expect(periodString(periodContaining('quarter', '2026-07-01'))).toBe('2026-Q3')
    expect(periodString(periodContaining('custom', '2026-05-19'))).toBe('2026-05-01..2026-05-19')
  })

  it('uses the Beijing date for today', () => {
    expect(beijingToday(new Date('2026-03-31T16:30:00Z'))).toBe('2026-04-01')
    expect(beijingToday(new Date('2026-03-31T15:59:00Z'))).toBe('2026-03-31')
  })
})

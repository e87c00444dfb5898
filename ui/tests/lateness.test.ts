import { describe, expect, it } from 'vitest'

import type { Lateness } from '../src/bindings/Lateness'
import { escalationRowClass, escalationTagType, latenessPhrase } from '../src/logic/lateness'
import { formatInstant, formatRate } from '../src/logic/format'

const l = (over: Partial<Lateness>): Lateness => ({
  sign_overdue: false,
  handling_overdue: false,
  days_overdue: 0,
  days_left: null,
  level: 'none',
  ...over,
})

describe('escalation presentation', () => {
  it('maps each level to its row colour class', () => {
    expect(escalationRowClass('none')).toBe('')
    expect(escalationRowClass('reminder')).toBe('tz-row-reminder')
    expect(escalationRowClass('yellow')).toBe('tz-row-yellow')
    expect(escalationRowClass('red')).toBe('tz-row-red')
    expect(escalationRowClass(undefined)).toBe('')
  })

  it('maps levels to tag types', () => {
    expect(escalationTagType('red')).toBe('danger')
    expect(escalationTagType('yellow')).toBe('warning')
  })

  it('phrases lateness from the core values without computing anything', () => {
    expect(latenessPhrase(l({ handling_overdue: true, days_overdue: 6, level: 'red' }))).toEqual({ key: 'daysOverdue', n: 6 })
    expect(latenessPhrase(l({ sign_overdue: true, days_left: 3 }))).toEqual({ key: 'signOverdue', n: 0 })
    expect(latenessPhrase(l({ days_left: 0 }))).toEqual({ key: 'daysLeft', n: 0 })
    expect(latenessPhrase(l({}))).toBeNull()
  })

  it('formats instants in Beijing time and rates as percentages', () => {
    expect(formatInstant('2026-03-05T17:02:03Z')).toBe('2026-03-06 01:02')
    expect(formatRate(0.8523)).toBe('85.2%')
    expect(formatRate(null)).toBe('—')
  })
})

import { describe, expect, it } from 'vitest'

import { emptyFilter } from '../src/api'
import { deleteView, loadViews, saveView, VIEWS_KEY } from '../src/logic/savedViews'

function memory() {
  const m = new Map<string, string>()
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    raw: m,
  }
}

describe('saved views', () => {
  it('saves, lists by name, replaces and deletes', () => {
    const s = memory()
    const f = { ...emptyFilter(), statuses: ['in_progress' as const], overdue: true }
    saveView({ name: '逾期在办', filter: f, sort: { key: 'escalation', descending: true }, columns: ['number', 'status'] }, s)
    saveView({ name: '  本月登记 ', filter: emptyFilter(), sort: { key: 'registered', descending: true }, columns: [] }, s)
    let views = loadViews(s)
    expect(views.map((v) => v.name)).toEqual(['本月登记', '逾期在办'])
    expect(views[1].filter.overdue).toBe(true)
    expect(views[1].columns).toEqual(['number', 'status'])

    saveView({ name: '逾期在办', filter: emptyFilter(), sort: { key: 'deadline', descending: false }, columns: [] }, s)
    views = loadViews(s)
    expect(views).toHaveLength(2)
    expect(views.find((v) => v.name === '逾期在办')?.sort.key).toBe('deadline')

    expect(deleteView('本月登记', s).map((v) => v.name)).toEqual(['逾期在办'])
  })

  it('does not share state with the filter object it was given', () => {
    const s = memory()
    const f = emptyFilter()
    saveView({ name: 'a', filter: f, sort: { key: 'registered', descending: true }, columns: [] }, s)
    f.text = 'changed later'
    expect(loadViews(s)[0].filter.text).toBeNull()
  })

  it('survives corrupt storage and fills filter fields missing from old views', () => {
    const s = memory()
    s.setItem(VIEWS_KEY, '{not json')
    expect(loadViews(s)).toEqual([])
    s.setItem(VIEWS_KEY, JSON.stringify([{ name: 'old', filter: { category: '用地' } }, { filter: {} }, 42]))
    const [v, ...rest] = loadViews(s)
    expect(rest).toHaveLength(0)
    expect(v.filter.category).toBe('用地')
    expect(v.filter.statuses).toEqual([])
    expect(v.filter.supporter_unsettled).toBe(false)
    expect(v.sort).toEqual({ key: 'registered', descending: true })
  })

  it('refuses a view without a name', () => {
    expect(() => saveView({ name: '  ', filter: emptyFilter(), sort: { key: 'number', descending: false }, columns: [] }, memory())).toThrow()
  })
})

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
    saveView('u1', { name: '逾期在办', filter: f, sort: { key: 'escalation', descending: true }, columns: ['number', 'status'] }, s)
    saveView('u1', { name: '  本月登记 ', filter: emptyFilter(), sort: { key: 'registered', descending: true }, columns: [] }, s)
    let views = loadViews('u1', s)
    expect(views.map((v) => v.name)).toEqual(['本月登记', '逾期在办'])
    expect(views[1].filter.overdue).toBe(true)
    expect(views[1].columns).toEqual(['number', 'status'])

    saveView('u1', { name: '逾期在办', filter: emptyFilter(), sort: { key: 'deadline', descending: false }, columns: [] }, s)
    views = loadViews('u1', s)
    expect(views).toHaveLength(2)
    expect(views.find((v) => v.name === '逾期在办')?.sort.key).toBe('deadline')

    expect(deleteView('u1', '本月登记', s).map((v) => v.name)).toEqual(['逾期在办'])
  })

  it("keeps each user's views apart, and starts anyone without views of their own from the shared list of before", () => {
    const s = memory()
    s.setItem(VIEWS_KEY, JSON.stringify([{ name: '旧视图', filter: {} }]))
    expect(loadViews('u2', s).map((v) => v.name)).toEqual(['旧视图'])
    saveView('u1', { name: '我的', filter: emptyFilter(), sort: { key: 'registered', descending: true }, columns: [] }, s)
    expect(loadViews('u1', s).map((v) => v.name)).toEqual(['旧视图', '我的'])
    expect(loadViews('u2', s).map((v) => v.name)).toEqual(['旧视图'])
    deleteView('u2', '旧视图', s)
    expect(loadViews('u2', s)).toEqual([])
    expect(loadViews('u1', s).map((v) => v.name)).toEqual(['旧视图', '我的'])
  })

  it('does not share state with the filter object it was given', () => {
    const s = memory()
    const f = emptyFilter()
    saveView('u1', { name: 'a', filter: f, sort: { key: 'registered', descending: true }, columns: [] }, s)
    f.text = 'changed later'
    expect(loadViews('u1', s)[0].filter.text).toBeNull()
  })

  it('survives corrupt storage and fills filter fields missing from old views', () => {
    const s = memory()
    s.setItem(VIEWS_KEY, '{not json')
    expect(loadViews('u1', s)).toEqual([])
    s.setItem(VIEWS_KEY, JSON.stringify([{ name: 'old', filter: { category: '用地' } }, { filter: {} }, 42]))
    const [v, ...rest] = loadViews('u1', s)
    expect(rest).toHaveLength(0)
    expect(v.filter.category).toBe('用地')
    expect(v.filter.statuses).toEqual([])
    expect(v.filter.supporter_unsettled).toBe(false)
    expect(v.sort).toEqual({ key: 'registered', descending: true })
  })

  it('refuses a view without a name', () => {
    expect(() => saveView('u1', { name: '  ', filter: emptyFilter(), sort: { key: 'number', descending: false }, columns: [] }, memory())).toThrow()
  })
})

// Acting from a list (issue 19): the 操作 column offers what Rust's row_actions says and nothing
// else, opens the problem page's dialog on that row and has the list read again; the side
// drawer walks the list and moves on after an act; a department's ledger starts at its own
// items; the ledger's form hides its second row behind 展开 and counts what is hidden.
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import { emptyFilter } from '../src/api'
import type { ProblemDetail } from '../src/bindings/ProblemDetail'
import type { ProblemRow } from '../src/bindings/ProblemRow'
import type { SessionInfo } from '../src/bindings/SessionInfo'
import { DEFAULT_COLUMNS, layoutColumns } from '../src/components/columns'
import ProblemTable from '../src/components/ProblemTable.vue'
import { i18n, setLocale } from '../src/i18n'
import { startFilter } from '../src/logic/home'
import { FIRST_ROW, MORE_FIELDS, hiddenInUse } from '../src/logic/ledgerForm'
import { afterAct, placeIn, splitRowActions } from '../src/logic/rowActions'
import { drawerPrefs } from '../src/stores/queue'

afterEach(() => {
  clearMocks()
  document.body.innerHTML = ''
})

function row(id: string): ProblemRow {
  return {
    id, number: `2026-城关-${id}`, enterprise_name: '恒达机械', township_name: '城关街道', category: '用地', priority: 'normal',
    status: 'assigned', description: '用地手续', demand: '', waiting_days: null, lead_unit_name: '工信局', responsible_leader: '', handler: null, evaluated: false,
    supporter_names: [], registered_on: '2026-03-01', sign_deadline: '2026-03-03', handling_deadline: '2026-03-20',
    extension_pending: false, withdrawal_pending: false, reopen_count: 0, sync_pending: 0,
    lateness: { sign_overdue: false, handling_overdue: false, days_overdue: 0, days_left: 8, level: 'none' },
  }
}

function detail(id: string): ProblemDetail {
  return {
    problem: {
      id, number: `2026-城关-${id}`, enterprise_id: 'e1', township_id: 'cg', visit_id: null, source: 'visit', category: '用地',
      description: '用地手续', demand: '尽快落实', raised_on: '2026-03-01', priority: 'normal', responsible_leader: '',
      status: 'assigned', registered_at: '2026-03-01T02:00:00Z', registered_by: 'u0',
      assignment: {
        lead_unit_id: 'gx', handler: '', assigned_at: '2026-03-02T02:00:00Z', sign_deadline: '2026-03-03', objection_deadline: '2026-03-03',
        original_deadline: '2026-03-16', handling_deadline: '2026-03-16', supporters: [],
      },
      round_started_at: '2026-03-02T02:00:00Z', signed_at: null, resolved_at: null, closed_at: null, withdrawn_at: null, pending_withdrawal: null,
      evaluation: null, reopen_count: 0, assignments: [], signs: [], returns: [], extensions: [], urges: [], resolutions: [], evaluations: [],
      updated_at: '2026-03-02T02:00:00Z', imported: null,
    },
    enterprise: {
      id: 'e1', name: '恒达机械', credit_code: null, township_id: 'cg', industry: '机械', scale: 'above',
      key_level: 'district', address: '', contact: '', phone: '', steward: '', paired_leader: '',
    },
    township_name: '城关街道', lead_unit_name: '工业和信息化局', supporters: [],
    lateness: { sign_overdue: false, handling_overdue: false, days_overdue: 0, days_left: 8, level: 'none' },
    finished: null, timeline: [], printable: [],
    actions: [
      { action: 'sign', allowed: true, error: null },
      { action: 'return', allowed: true, error: null },
    ],
  }
}

function router() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<div/>' } },
      { path: '/p/:id', name: 'problem', component: { template: '<div/>' } },
    ],
  })
}

describe('the row actions and the drawer, as logic', () => {
  it('shows the main acts first and the rest under 更多, never adding one', () => {
    expect(splitRowActions(['return', 'sign'])).toEqual({ shown: ['sign', 'return'], more: [] })
    expect(splitRowActions(['note_progress', 'request_extension', 'resolve'])).toEqual({
      shown: ['resolve', 'note_progress'],
      more: ['request_extension'],
    })
    expect(splitRowActions([])).toEqual({ shown: [], more: [] })
    expect(splitRowActions(['urge', 'waive_opinion', 'instruct'], 1)).toEqual({ shown: ['urge'], more: ['instruct', 'waive_opinion'] })
  })

  it('walks a list and moves on after an act, from the list as it stood', () => {
    expect(placeIn(['a', 'b', 'c'], 'b')).toEqual({ index: 2, total: 3, prev: 'a', next: 'c' })
    expect(placeIn(['a'], 'z')).toBeNull()
    expect(placeIn(['a'], null)).toBeNull()
    expect(afterAct(['a', 'b', 'c'], 'a', true)).toBe('b')
    expect(afterAct(['a', 'b', 'c'], 'c', true)).toBeNull()
    expect(afterAct(['a', 'b', 'c'], 'b', false)).toBe('b')
  })

  it('pins 预警, 剩余/逾期 and 操作 to the right, in that order, whatever else is chosen', () => {
    const { order, right } = layoutColumns(DEFAULT_COLUMNS)
    expect(order.slice(-3)).toEqual(['escalation', 'lateness', 'actions'])
    expect(right).toEqual({ actions: 0, lateness: 250, escalation: 374 })
    expect(layoutColumns(['actions', 'number', 'lateness'])).toEqual({ order: ['number', 'lateness', 'actions'], right: { actions: 0, lateness: 250 } })
    expect(layoutColumns(['number', 'status']).right).toEqual({})
  })

  it('starts a department at its own items and a township at its own problems', () => {
    const s = (role: SessionInfo['user']['role']) =>
      ({ user: { role }, unit: { id: 'u9' } }) as unknown as SessionInfo
    expect(startFilter(s('department'))).toEqual({ ...emptyFilter(), involved_unit_id: 'u9' })
    expect(startFilter(s('township'))).toEqual({ ...emptyFilter(), township_id: 'u9' })
    expect(startFilter(s('office'))).toEqual(emptyFilter())
    expect(startFilter(s('leader'))).toEqual(emptyFilter())
    expect(startFilter(null)).toEqual(emptyFilter())
  })

  it('counts the filters in use behind 展开', () => {
    expect(new Set([...FIRST_ROW, ...MORE_FIELDS]).size).toBe(FIRST_ROW.length + MORE_FIELDS.length)
    expect(hiddenInUse(emptyFilter())).toBe(0)
    // The first row's fields are in view: not counted.
    expect(hiddenInUse({ ...emptyFilter(), text: '用地', involved_unit_id: 'gx', statuses: ['assigned'] })).toBe(0)
    expect(
      hiddenInUse({ ...emptyFilter(), paired_leader: '赵书记', key_levels: ['district'], registered_from: '2026-03-01', overdue: true }),
    ).toBe(4)
  })
})

describe('the 操作 column', () => {
  it('offers what row_actions allows, opens the dialog on that row, and has the list read again', async () => {
    setLocale('zh-CN')
    const asked: unknown[] = []
    const executed: unknown[] = []
    mockIPC((cmd, args) => {
      if (cmd === 'row_actions') {
        asked.push(args)
        return [
          { problem_id: '0001', actions: ['sign', 'return'] },
          { problem_id: '0002', actions: ['note_progress', 'request_extension', 'resolve'] },
          { problem_id: '0003', actions: [] },
        ]
      }
      if (cmd === 'problem_detail') return detail((args as { problem: string }).problem)
      if (cmd === 'execute') {
        executed.push((args as { command: unknown }).command)
        return []
      }
      return null
    })
    const w = mount(ProblemTable, {
      props: { rows: [row('0001'), row('0002'), row('0003')] },
      global: { plugins: [ElementPlus, i18n, router()] },
      attachTo: document.body,
    })
    await flushPromises()
    expect(asked).toEqual([{ problem_ids: ['0001', '0002', '0003'] }])
    expect(w.get('[data-testid="col-actions"]').text()).toBe('操作')
    expect(w.get('[data-testid="col-actions"]').attributes('style')).toContain('right: 0px')
    const cell = (n: string) => w.get(`[data-testid="row-actions-2026-城关-${n}"]`)
    expect(cell('0001').findAll('button').map((b) => b.text())).toEqual(['签收', '退回', '查看'])
    expect(cell('0002').find('[data-testid="row-action-2026-城关-0002-resolve"]').exists()).toBe(true)
    expect(cell('0002').find('[data-testid="row-more-2026-城关-0002"]').exists()).toBe(true)
    // Nothing allowed: only 查看.
    expect(cell('0003').findAll('button').map((b) => b.text())).toEqual(['查看'])

    await w.get('[data-testid="row-action-2026-城关-0001-sign"]').trigger('click')
    await flushPromises()
    const dialog = document.querySelector('[data-testid="action-dialog"]')
    expect(dialog?.textContent).toContain('签收')
    expect(dialog?.textContent).toContain('2026-城关-0001')
    ;(document.querySelector('[data-testid="action-submit"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(executed).toEqual([{ action: 'sign', problem_id: '0001', handler: '' }])
    expect(w.emitted('changed')).toHaveLength(1)
    w.unmount()
  })

  it('asks nothing when the column is not shown', async () => {
    const asked: string[] = []
    mockIPC((cmd) => {
      asked.push(cmd)
      return []
    })
    const w = mount(ProblemTable, {
      props: { rows: [row('0001')], columns: ['number', 'status'] },
      global: { plugins: [ElementPlus, i18n, router()] },
    })
    await flushPromises()
    expect(asked).toEqual([])
    w.unmount()
  })
})

describe('the side drawer', () => {
  it('shows a row, walks the list, and after an act moves to the next item', async () => {
    setLocale('zh-CN')
    drawerPrefs.nextAfterAct = true
    const executed: unknown[] = []
    mockIPC((cmd, args) => {
      if (cmd === 'row_actions') return [{ problem_id: '0001', actions: ['sign'] }, { problem_id: '0002', actions: ['sign'] }]
      if (cmd === 'problem_detail') return detail((args as { problem: string }).problem)
      if (cmd === 'execute') {
        executed.push((args as { command: unknown }).command)
        return []
      }
      return null
    })
    const w = mount(ProblemTable, {
      props: { rows: [row('0001'), row('0002')] },
      global: { plugins: [ElementPlus, i18n, router()] },
      attachTo: document.body,
    })
    await flushPromises()
    await w.get('[data-testid="row-peek-2026-城关-0001"]').trigger('click')
    await flushPromises()
    const q = (id: string) => document.querySelector(`[data-testid="problem-drawer"] [data-testid="${id}"]`) as HTMLElement | null
    expect(q('problem-number')?.textContent).toBe('2026-城关-0001')
    expect(q('drawer-walk')?.textContent).toContain('1 / 2')
    // The problem page's own actions, as the core allowed them.
    q('action-sign')?.click()
    await flushPromises()
    ;(document.querySelector('[data-testid="action-submit"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(executed).toEqual([{ action: 'sign', problem_id: '0001', handler: '' }])
    expect(w.emitted('changed')).toHaveLength(1)
    // 办理后下一条: on to the list's next item.
    expect(q('problem-number')?.textContent).toBe('2026-城关-0002')
    q('drawer-prev')?.click()
    await flushPromises()
    expect(q('problem-number')?.textContent).toBe('2026-城关-0001')
    w.unmount()
  })
})

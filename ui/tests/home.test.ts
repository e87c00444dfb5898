// Each role's day starts where its work is, and the menu counts what waits (issue 19).
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { ProblemFilter } from '../src/bindings/ProblemFilter'
import type { ProblemRow } from '../src/bindings/ProblemRow'
import type { SessionInfo } from '../src/bindings/SessionInfo'
import { i18n, setLocale } from '../src/i18n'
import { consoleBadges, homeOf, inboxBadges, todoFilter } from '../src/logic/home'
import { app } from '../src/stores/app'
import { badges, refreshBadges } from '../src/stores/badges'
import TodoView from '../src/views/TodoView.vue'

afterEach(() => {
  clearMocks()
  app.session = null
})

const row: ProblemRow = {
  id: 'p', number: '2026-城关-0001', enterprise_name: '恒达机械', township_name: '城关街道', category: '用地', priority: 'normal',
  status: 'resolved', description: '用地手续', demand: '', waiting_days: null, lead_unit_name: '工信局', responsible_leader: '', handler: null, evaluated: false,
  supporter_names: [], registered_on: '2026-03-01', sign_deadline: '2026-03-03', handling_deadline: '2026-03-20',
  extension_pending: false, withdrawal_pending: false, reopen_count: 0, sync_pending: 0,
  lateness: { sign_overdue: false, handling_overdue: false, days_overdue: 0, days_left: 8, level: 'none' },
}

function township(): SessionInfo {
  return {
    user: { id: 'u1', login: 'cg', name: '张伟', unit_id: 'cg', unit_name: '城关街道', role: 'township', active: true, has_password: false },
    unit: { id: 'cg', name: '城关街道', short_name: '城关', kind: 'township', active: true },
    capabilities: { register: true, supervise: false, handle: false, administer: false, instruct: false, audit: false, import: false, report: false },
  }
}

describe('homes', () => {
  it('sends each role to its own work', () => {
    expect(homeOf('department')).toBe('inbox')
    expect(homeOf('office')).toBe('console')
    expect(homeOf('township')).toBe('todo')
    expect(homeOf('leader')).toBe('dashboard')
    expect(homeOf(undefined)).toBe('dashboard')
  })

  it('counts what waits, and leaves out what is zero', () => {
    const inbox = { unit_id: 'gx', to_sign: [row, row, row], to_handle: [row], supporter_tasks: [], due_soon: [], overdue: [row] }
    expect(inboxBadges(inbox)).toEqual([
      { key: 'inbox.toSign', n: 3 },
      { key: 'inbox.overdue', n: 1, danger: true },
    ])
    expect(inboxBadges({ ...inbox, overdue: [] })).toEqual([{ key: 'inbox.toSign', n: 3 }])
    const c = { to_assign: 1, disputed: 1, extension_requests: 1, overdue: 1, ready_to_close: 0, withdrawal_requests: 1 }
    expect(consoleBadges(c)).toEqual([
      { key: 'console.toAssign', n: 1 },
      { key: 'home.toRule', n: 3, danger: true },
    ])
  })

  it("reads a township's queues as filters on its own problems", () => {
    expect(todoFilter('callback', 'cg')).toMatchObject({ township_id: 'cg', statuses: ['resolved'], evaluated: false })
    expect(todoFilter('registered', 'cg')).toMatchObject({ township_id: 'cg', statuses: ['registered'] })
    expect(todoFilter('withdrawal', 'cg')).toMatchObject({ township_id: 'cg', withdrawal_pending: true })
    expect(todoFilter('overdue', 'cg')).toMatchObject({ township_id: 'cg', overdue: true, statuses: [] })
  })

  it("shows a township's 待办 with counts, and its menu badges", async () => {
    setLocale('zh-CN')
    app.session = township()
    const totals: Record<string, number> = { resolved: 2, registered: 5, withdrawal: 0, overdue: 1 }
    const asked: ProblemFilter[] = []
    mockIPC((cmd, args) => {
      if (cmd !== 'list_problems') return null
      const f = (args as { filter: ProblemFilter }).filter
      asked.push(f)
      const key = f.withdrawal_pending ? 'withdrawal' : f.overdue ? 'overdue' : (f.statuses[0] ?? '')
      return { total: totals[key], offset: 0, rows: key === 'resolved' ? [{ ...row, id: 'a' }] : [] }
    })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div/>' } }, { path: '/p/:id', name: 'problem', component: { template: '<div/>' } }] })
    const w = mount(TodoView, { global: { plugins: [ElementPlus, i18n, router] } })
    await flushPromises()
    expect(asked.every((f) => f.township_id === 'cg')).toBe(true)
    expect(w.get('[data-testid="todo-tab-callback"]').text()).toBe('待回访（2）')
    expect(w.get('[data-testid="todo-tab-registered"]').text()).toBe('待交办（5）')
    expect(w.text()).toContain('部门已办结，请向企业回访并评价')
    await refreshBadges()
    expect(badges.parts).toEqual({ todo: [{ key: 'todo.callback', n: 2 }, { key: 'todo.overdue', n: 1, danger: true }] })
    w.unmount()
  })
})

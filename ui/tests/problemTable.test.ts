import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { ProblemRow } from '../src/bindings/ProblemRow'
import ProblemTable from '../src/components/ProblemTable.vue'
import { i18n, setLocale } from '../src/i18n'

function row(number: string, level: ProblemRow['lateness']['level'], description: string): ProblemRow {
  return {
    id: `id-${number}`,
    number,
    enterprise_name: '示范区恒达精密机械有限公司',
    township_name: '城关街道',
    category: '用地',
    priority: 'urgent',
    status: 'in_progress',
    description,
    demand: '',
    lead_unit_name: '工信局',
    responsible_leader: '',
    handler: null,
    evaluated: false,
    supporter_names: [],
    registered_on: '2026-03-01',
    waiting_days: null,
    sign_deadline: '2026-03-03',
    handling_deadline: '2026-03-20',
    extension_pending: false,
    withdrawal_pending: false,
    reopen_count: 0,
    sync_pending: number.endsWith('0002') ? 2 : 0,
    lateness: { sign_overdue: false, handling_overdue: level === 'yellow' || level === 'red', days_overdue: level === 'red' ? 6 : 0, days_left: null, level },
  }
}

describe('ProblemTable', () => {
  it('renders rows with test ids, escalation colours and user text as text', async () => {
    setLocale('zh-CN')
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div/>' } }, { path: '/p/:id', name: 'problem', component: { template: '<div/>' } }] })
    const w = mount(ProblemTable, {
      props: { rows: [row('2026-城关-0001', 'red', '<script>alert(1)</script>'), row('2026-城关-0002', 'reminder', '正常')] },
      global: { plugins: [ElementPlus, i18n, router] },
    })
    const r1 = w.get('[data-testid="ledger-row-2026-城关-0001"]')
    expect(r1.classes()).toContain('tz-row-red')
    expect(w.get('[data-testid="ledger-row-2026-城关-0002"]').classes()).toContain('tz-row-reminder')
    expect(r1.text()).toContain('<script>alert(1)</script>')
    expect(w.find('script').exists()).toBe(false)
    expect(r1.text()).toContain('逾期 6 个工作日')
    expect(r1.text()).toContain('红牌')
    expect(r1.text()).toContain('办理中')
    // A replica marks the rows with acts not yet sent to the server, and only those.
    expect(w.find('[data-testid="sync-pending-2026-城关-0001"]').exists()).toBe(false)
    expect(w.get('[data-testid="sync-pending-2026-城关-0002"]').text()).toBe('待上传')
    // A click on a row opens the side drawer and leaves the list where it is; Ctrl-click (or the
    // number's link) opens the full page (issue 19).
    await r1.trigger('click')
    await new Promise((r) => setTimeout(r, 0))
    expect(router.currentRoute.value.path).toBe('/')
    await r1.trigger('click', { ctrlKey: true })
    await new Promise((r) => setTimeout(r, 0))
    expect(router.currentRoute.value.params.id).toBe('id-2026-城关-0001')
    await w.get('[data-testid="row-open-2026-城关-0002"]').trigger('click')
    await new Promise((r) => setTimeout(r, 0))
    expect(router.currentRoute.value.params.id).toBe('id-2026-城关-0002')
  })

  it('numbers rows on from the page offset, pins 序号/number/enterprise, and colours the status', () => {
    setLocale('zh-CN')
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div/>' } }] })
    const w = mount(ProblemTable, {
      props: { rows: [row('2026-城关-0051', 'none', 'a'), row('2026-城关-0052', 'none', 'b')], offset: 50, selectable: true },
      global: { plugins: [ElementPlus, i18n, router] },
    })
    expect(w.get('[data-testid="col-seq"]').text()).toBe('序号')
    const cells = w.findAll('tbody td.seq').map((c) => c.text())
    expect(cells).toEqual(['51', '52'])
    // With the selection column first, each pinned column starts where the ones before it end.
    expect(w.get('[data-testid="col-seq"]').attributes('style')).toContain('left: 34px')
    expect(w.get('[data-testid="col-number"]').attributes('style')).toContain('left: 82px')
    expect(w.get('[data-testid="col-enterprise"]').attributes('style')).toContain('left: 258px')
    expect(w.get('[data-testid="ledger-row-2026-城关-0051"] .el-tag--primary').text()).toBe('办理中')
  })

  it('shows 诉求 and the days waited as the ledger counts them, only while waiting', () => {
    setLocale('zh-CN')
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div/>' } }] })
    const waiting = { ...row('2026-城关-0007', 'none', '用地'), status: 'registered' as const, demand: '协调用地指标', waiting_days: 12 }
    const assigned = { ...row('2026-城关-0008', 'none', '融资'), demand: '协调授信', waiting_days: null }
    const w = mount(ProblemTable, {
      props: { rows: [waiting, assigned], columns: ['number', 'description', 'demand', 'registered', 'waiting'] },
      global: { plugins: [ElementPlus, i18n, router] },
    })
    expect(w.findAll('thead th').map((h) => h.text())).toContain('企业诉求')
    // The count is the row's (computed in Rust), not the UI's arithmetic on the registration date.
    expect(w.get('[data-testid="waiting-2026-城关-0007"]').text()).toBe('已等待 12 天')
    expect(w.get('[data-testid="waiting-2026-城关-0008"]').text()).toBe('')
    expect(w.get('[data-testid="ledger-row-2026-城关-0007"]').text()).toContain('协调用地指标')
  })

  it('shows the three levels answering for an item: responsible leader, lead unit, handler', () => {
    setLocale('zh-CN')
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div/>' } }] })
    const r = { ...row('2026-城关-0003', 'none', '用地'), responsible_leader: '赵副区长', handler: '王科长' }
    const w = mount(ProblemTable, {
      props: { rows: [r], columns: ['number', 'leader', 'lead', 'handler'] },
      global: { plugins: [ElementPlus, i18n, router] },
    })
    expect(w.text()).toContain('负责领导')
    expect(w.get('[data-testid="ledger-row-2026-城关-0003"]').text()).toContain('赵副区长')
    expect(w.get('[data-testid="ledger-row-2026-城关-0003"]').text()).toContain('王科长')
  })

  it('says 待回访 of a resolved item until the callback is recorded, then 待销号', () => {
    setLocale('zh-CN')
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div/>' } }] })
    const resolved = { ...row('2026-城关-0004', 'none', '融资'), status: 'resolved' as const }
    const w = mount(ProblemTable, {
      props: { rows: [resolved, { ...resolved, id: 'x', number: '2026-城关-0005', evaluated: true }], columns: ['number', 'status'] },
      global: { plugins: [ElementPlus, i18n, router] },
    })
    expect(w.get('[data-testid="ledger-row-2026-城关-0004"]').text()).toContain('待回访')
    expect(w.get('[data-testid="ledger-row-2026-城关-0005"]').text()).toContain('待销号')
  })
})

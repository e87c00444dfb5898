// Dashboard figures open the ledger listing the items behind them (issue 19).
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Dashboard } from '../src/bindings/Dashboard'
import { i18n, setLocale } from '../src/i18n'
import { drillFilter, OPEN_STATUSES } from '../src/logic/drill'
import { app } from '../src/stores/app'
import { ledgerState } from '../src/stores/ledgerState'
import type { Settings } from '../src/bindings/Settings'
import DashboardView from '../src/views/DashboardView.vue'

afterEach(() => clearMocks())

const dashboard = {
  scorecard: {
    period: { kind: 'campaign', label: '服务年以来', start: '2026-01-01', end: '2026-12-31' },
    generated_at: '2026-12-07T02:00:00Z',
    min_sample: 3,
    summary: { registered: 40, assigned: 35, resolved: 20, closed: 18, open_now: 22, overdue_now: 4, by_status: {}, by_category: {} },
    departments: [],
    townships: [],
  },
  trend: [],
  due_soon: 3,
  red_cards: [],
  yellow_cards: [],
  by_township: [],
  by_department: [],
} as unknown as Dashboard

describe('drill-down', () => {
  it('maps each figure to the ledger filter behind it', () => {
    expect(drillFilter({ kind: 'open' }).statuses).toEqual(OPEN_STATUSES)
    expect(drillFilter({ kind: 'overdue' })).toMatchObject({ overdue: true, statuses: [] })
    expect(drillFilter({ kind: 'due_soon' })).toMatchObject({ escalation: 'reminder', statuses: OPEN_STATUSES })
    expect(drillFilter({ kind: 'township', unitId: 'cg' })).toMatchObject({ township_id: 'cg', statuses: OPEN_STATUSES })
    expect(drillFilter({ kind: 'department', unitId: 'gx' })).toMatchObject({ lead_unit_id: 'gx', statuses: OPEN_STATUSES })
    expect(drillFilter({ kind: 'category', category: '用地' })).toMatchObject({ category: '用地' })
  })

  it('opens the ledger from a card, and labels 当前 apart from 本期; the period starts at the campaign', async () => {
    setLocale('zh-CN')
    app.settings = { campaign_start: '2026-01-01', campaign_end: '2026-12-31' } as Settings
    const periods: string[] = []
    mockIPC((cmd, args) => {
      if (cmd === 'dashboard') {
        periods.push((args as { period: string }).period)
        return dashboard
      }
      if (cmd === 'warning_counts') return null
      return null
    })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', component: { template: '<div/>' } },
        { path: '/ledger', name: 'ledger', component: { template: '<div/>' } },
        { path: '/p/:id', name: 'problem', component: { template: '<div/>' } },
      ],
    })
    const w = mount(DashboardView, { global: { plugins: [ElementPlus, i18n, router], stubs: { VChart: true, WarningCountsCard: true } } })
    await flushPromises()
    expect(periods[0]).toBe('campaign')
    expect(w.get('[data-testid="stat-overdue"]').text()).toContain('当前')
    expect(w.get('[data-testid="stat-closed"]').text()).toContain('本期')
    await w.get('[data-testid="stat-overdue"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('ledger')
    expect(ledgerState.filter.overdue).toBe(true)
    w.unmount()
    // Without the campaign's dates, the year to date.
    app.settings = { campaign_start: null, campaign_end: null } as unknown as Settings
    const y = mount(DashboardView, { global: { plugins: [ElementPlus, i18n, router], stubs: { VChart: true, WarningCountsCard: true } } })
    await flushPromises()
    expect(periods[periods.length - 1]).toMatch(/^\d{4}$/)
    y.unmount()
    app.settings = null
  })
})

describe('the ledger list for whoever signs in', () => {
  it("starts a township at its own problems and drops the last user's filters", async () => {
    const { resetLedgerState } = await import('../src/stores/ledgerState')
    ledgerState.filter.overdue = true
    ledgerState.offset = 100
    const township = {
      user: { id: 'u', login: 'cg', name: '张伟', unit_id: 'cg', unit_name: '城关街道', role: 'township', active: true, has_password: false },
      unit: { id: 'cg', name: '城关街道', short_name: '城关', kind: 'township', active: true },
      capabilities: { register: true, supervise: false, handle: false, administer: false, instruct: false, audit: false, import: false, report: false },
    } as const
    resetLedgerState({ ...township, user: { ...township.user }, unit: { ...township.unit }, capabilities: { ...township.capabilities } })
    expect(ledgerState.filter).toMatchObject({ township_id: 'cg', overdue: null })
    expect(ledgerState.offset).toBe(0)
    resetLedgerState(null)
    expect(ledgerState.filter.township_id).toBeNull()
  })
})

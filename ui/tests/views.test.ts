// Screens mounted against a mocked shell (mockIPC): what they ask Rust for, and what they show.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { ProblemDetail } from '../src/bindings/ProblemDetail'
import type { SessionInfo } from '../src/bindings/SessionInfo'
import { i18n, setLocale } from '../src/i18n'
import { app, CHAIN_POLL_MS, closeLedger, ledgerOpened, setAuditBroken } from '../src/stores/app'
import ProblemView from '../src/views/ProblemView.vue'
import LedgerView from '../src/views/LedgerView.vue'
import SignInView from '../src/views/SignInView.vue'
import AppLayout from '../src/components/AppLayout.vue'

const units = [
  { id: 'cg', name: '城关街道', short_name: '城关', kind: 'township', active: true },
  { id: 'gx', name: '工业和信息化局', short_name: '工信局', kind: 'department', active: true },
  { id: 'zj', name: '住房和城乡建设局', short_name: '住建局', kind: 'department', active: true },
] as const

function session(role: SessionInfo['user']['role'], caps: Partial<SessionInfo['capabilities']>): SessionInfo {
  return {
    user: { id: 'u1', login: 'gx', name: '李四', unit_id: 'gx', unit_name: '工业和信息化局', role, active: true, has_password: false },
    unit: { ...units[1] },
    capabilities: {
      register: false, supervise: false, handle: false, administer: false, instruct: false, audit: false, import: false, report: false,
      ...caps,
    },
  }
}

const detail: ProblemDetail = {
  problem: {
    id: 'p1', number: '2026-城关-0001', enterprise_id: 'e1', township_id: 'cg', visit_id: null, source: 'visit', category: '用地',
    description: '<script>alert(1)</script>', demand: '尽快落实', raised_on: '2026-03-01', priority: 'normal', responsible_leader: '王副区长',
    status: 'assigned', registered_at: '2026-03-01T02:00:00Z', registered_by: 'u0',
    assignment: {
      lead_unit_id: 'gx', handler: '李四', assigned_at: '2026-03-02T02:00:00Z', sign_deadline: '2026-03-03', objection_deadline: '2026-03-03',
      original_deadline: '2026-03-16', handling_deadline: '2026-03-16',
      supporters: [{ unit_id: 'zj', sub_deadline: '2026-03-05', acknowledged_at: null, opinion: null, opinion_at: null, waived_reason: null }],
    },
    round_started_at: '2026-03-02T02:00:00Z', signed_at: null, resolved_at: null, closed_at: null, withdrawn_at: null, pending_withdrawal: null,
    evaluation: null, reopen_count: 0, assignments: [], signs: [], returns: [], extensions: [], urges: [], resolutions: [], evaluations: [],
    updated_at: '2026-03-02T02:00:00Z',
    imported: null,
  },
  enterprise: {
    id: 'e1', name: '示范区恒达精密机械有限公司', credit_code: '91350100M000100Y43', township_id: 'cg', industry: '机械', scale: 'above',
    key_level: 'district', address: '', contact: '', phone: '', steward: '', paired_leader: '',
  },
  township_name: '城关街道',
  lead_unit_name: '工业和信息化局',
  supporters: [{ unit_id: 'zj', unit_name: '住房和城乡建设局', sub_deadline: '2026-03-05', acknowledged: false, opinion: null, waived_reason: null, overdue: false }],
  lateness: { sign_overdue: true, handling_overdue: false, days_overdue: 0, days_left: 8, level: 'none' },
  finished: null,
  timeline: [
    {
      seq: 10, event_id: 'ev1', kind: 'assigned', occurred_at: '2026-03-02T02:00:00Z', actor_id: 'admin', actor_name: '管理员', actor_unit: '服务年办公室',
      payload: { problem_id: 'p1', terms: { lead_unit_id: 'gx', handler: '李四', supporters: [], sign_deadline: '2026-03-03', objection_deadline: '2026-03-03', handling_deadline: '2026-03-16' } },
      hash: 'h',
      sync_state: null,
      sync_reason: null,
    },
  ],
  actions: [
    { action: 'sign', allowed: true, error: null },
    { action: 'return', allowed: false, error: { code: 'return.window_closed', deadline: '2026-03-03' } },
  ],
  printable: ['assignment_notice'],
}

function router() {
  const r = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'start', component: { template: '<div/>' } },
      { path: '/ledger', name: 'ledger', component: { template: '<div/>' } },
      { path: '/signin', name: 'signin', component: { template: '<div/>' } },
      { path: '/dashboard', name: 'dashboard', component: { template: '<div/>' } },
      { path: '/p/:id', name: 'problem', component: { template: '<div/>' } },
      ...['register', 'inbox', 'console', 'scorecards', 'enterprises', 'visits', 'monitoring', 'projects', 'admin', 'calendar', 'settings', 'audit'].map((n) => ({
        path: `/${n}`,
        name: n,
        component: { template: '<div/>' },
      })),
    ],
  })
  return r
}

const calls: { cmd: string; args: Record<string, unknown> }[] = []
beforeEach(() => {
  setLocale('zh-CN')
  calls.length = 0
  app.units = units.map((u) => ({ ...u }))
  app.ledger = { path: '/tmp/t.db', district_name: '示范区' }
})
afterEach(() => clearMocks())

function shell(replies: Record<string, unknown>) {
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> })
    if (cmd in replies) return replies[cmd]
    throw { code: 'test.unexpected', message: `unexpected ${cmd}`, params: {} }
  })
}

describe('screens on a mocked shell', () => {
  it('problem page: a finished item says how it finished', async () => {
    app.session = session('township', { register: true })
    const closed = {
      ...detail,
      problem: { ...detail.problem, status: 'closed' as const },
      lateness: { sign_overdue: false, handling_overdue: false, days_overdue: 0, days_left: null, level: 'none' as const },
      finished: { on_time: false, days_late: 3 },
      actions: [],
    }
    shell({ problem_detail: closed })
    const w = mount(ProblemView, { props: { id: 'p1' }, global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    expect(w.get('[data-testid="problem-lateness"]').text()).toBe('超期 3 个工作日办结')
    w.unmount()
  })

  it('problem page: fields, actions from ProblemDetail.actions with reasons, timeline', async () => {
    app.session = session('department', { handle: true })
    shell({ problem_detail: detail })
    const w = mount(ProblemView, { props: { id: 'p1' }, global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    expect(calls[0]).toEqual({ cmd: 'problem_detail', args: { problem: 'p1' } })
    expect(w.get('[data-testid="problem-number"]').text()).toBe('2026-城关-0001')
    expect(w.get('[data-testid="problem-status"]').text()).toBe('待签收')
    expect(w.get('[data-testid="problem-description"]').text()).toBe('<script>alert(1)</script>')
    expect(w.find('[data-testid="problem-description"] script').exists()).toBe(false)
    const sign = w.get('[data-testid="action-sign"]')
    expect(sign.attributes('disabled')).toBeUndefined()
    // What may not be done is not offered; why, on asking.
    expect(w.find('[data-testid="action-return"]').exists()).toBe(false)
    await w.get('[data-testid="why-not"]').trigger('click')
    expect(w.get('[data-testid="action-return"]').attributes('disabled')).toBeDefined()
    expect(w.get('[data-testid="action-reason-return"]').text()).toBe('异议期已于 2026-03-03 结束，不能再退回')
    expect(w.find('[data-testid="action-assign"]').exists()).toBe(false)
    expect(w.get('[data-testid="problem-lateness"]').text()).toBe('逾期未签收')
    expect(w.get('[data-testid="timeline-assigned"]').text()).toContain('交办给 工业和信息化局')
    w.unmount()
  })

  it('problem page on a replica: an event the server did not apply is marked, struck through and explained', async () => {
    app.session = session('department', { handle: true })
    const signed = {
      seq: 11, event_id: 'ev2', kind: 'signed', occurred_at: '2026-03-03T02:00:00Z', actor_id: 'u1', actor_name: '李四', actor_unit: '工业和信息化局',
      payload: { problem_id: 'p1', handler: '李四' }, hash: 'h2',
      sync_state: 'refused', sync_reason: { code: 'auth.forbidden', message: 'not allowed' },
    }
    const pending = { ...signed, seq: 12, event_id: 'ev3', sync_state: 'pending', sync_reason: null }
    shell({ problem_detail: { ...detail, timeline: [{ ...detail.timeline[0], sync_state: 'applied' }, signed, pending] } })
    const w = mount(ProblemView, { props: { id: 'p1' }, global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    expect(w.find('[data-testid="timeline-sync-applied"]').exists()).toBe(false)
    expect(w.get('[data-testid="timeline-sync-refused"]').text()).toBe('被拒绝')
    expect(w.get('[data-testid="timeline-sync-pending"]').text()).toBe('待上传')
    const reason = w.get('[data-testid="timeline-sync-reason"]').text()
    expect(reason).toContain('服务器未采纳')
    expect(reason).not.toContain('auth.forbidden')
    expect(w.findAll('li.undone').length).toBe(1)
    w.unmount()
  })

  it('ledger: asks for one page of 50, sorted, and shows the total', async () => {
    app.session = session('office', { supervise: true })
    app.settings = null
    shell({ list_problems: { total: 100000, offset: 0, rows: [] } })
    const w = mount(LedgerView, { global: { plugins: [ElementPlus, i18n, router()] } })
    await flushPromises()
    expect(calls[0].cmd).toBe('list_problems')
    expect(calls[0].args.page).toEqual({ offset: 0, limit: 50 })
    expect(calls[0].args.sort).toEqual({ key: 'registered', descending: true })
    expect(w.get('[data-testid="ledger-total"]').text()).toContain('100000')
    await w.get('[data-testid="col-deadline"]').trigger('click')
    await flushPromises()
    expect(calls[calls.length - 1].args.sort).toEqual({ key: 'deadline', descending: false })
    w.unmount()
  })

  it('sign-in: users grouped by unit, password only when the user has one', async () => {
    shell({
      sign_in_options: [
        { id: 'a', login: 'admin', name: '管理员', unit_id: 'o', unit_name: '服务年办公室', role: 'office', active: true, has_password: true },
        { id: 'b', login: 'gx', name: '李四', unit_id: 'gx', unit_name: '工业和信息化局', role: 'department', active: true, has_password: false },
      ],
    })
    const w = mount(SignInView, { global: { plugins: [ElementPlus, i18n, router()] } })
    await flushPromises()
    expect(w.findAll('.group').map((g) => g.text())).toEqual(['服务年办公室', '工业和信息化局'])
    await w.get('[data-testid="signin-user-gx"]').trigger('click')
    expect(w.find('[data-testid="signin-password"]').exists()).toBe(false)
    await w.get('[data-testid="signin-user-admin"]').trigger('click')
    expect(w.find('[data-testid="signin-password"]').exists()).toBe(true)
    w.unmount()
  })

  it('problem page: where a problem came from, when from a monitoring warning', async () => {
    app.session = session('department', { handle: true })
    const warning = {
      id: 'w1', subject: 'enterprise', subject_id: 'e1', subject_name: '恒达机械', township_id: 'cg', township_name: '城关街道',
      period: { year: 2026, month: 3 }, level: 'red', rule: 'falling_months',
      params: { indicator: '用电量', month: '2026-03', yoy: -12.5, months: 3 },
      raised_at: '2026-04-05T02:00:00Z', open: false, computed: false, visit_task: false,
      responsible_leader: '', lead_unit: '', handler: '', actions: [],
    }
    shell({ problem_detail: detail, problem_origin: { from: 'warning', warning_id: 'w1' }, warnings_board: [warning] })
    const w = mount(ProblemView, { props: { id: 'p1' }, global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'problem_origin')?.args).toEqual({ problem_id: 'p1' })
    const origin = w.get('[data-testid="problem-origin"]').text()
    expect(origin).toContain('由监测预警转来')
    expect(origin).toContain('红色')
    expect(origin).toContain('恒达机械：用电量 连续 3 个月同比下降（2026-03 同比 -12.5%）')
    w.unmount()
  })

  it('navigation shows only what the capabilities allow', async () => {
    app.session = session('department', { handle: true })
    shell({})
    const w = mount(AppLayout, { global: { plugins: [ElementPlus, i18n, router()] } })
    await flushPromises()
    const navs = w.findAll('nav a').map((a) => a.attributes('data-testid'))
    // A department's own 待办 comes first: its day starts there (issue 19).
    expect(navs).toEqual(['nav-inbox', 'nav-dashboard', 'nav-ledger', 'nav-scorecards'])
    expect(w.get('[data-testid="header-user"]').text()).toContain('李四')
    expect(w.get('[data-testid="header-user"]').text()).toContain('工业和信息化局')
    w.unmount()
  })

  it('the red banner appears when the background chain check reports a break', async () => {
    setAuditBroken(false)
    let answer: unknown = null
    mockIPC((cmd) => {
      calls.push({ cmd, args: {} })
      if (cmd === 'chain_check') return answer
      return null
    })
    await ledgerOpened({ path: '/tmp/t.db', district_name: '示范区' })
    app.session = session('office', { audit: true })
    const w = mount(AppLayout, { global: { plugins: [ElementPlus, i18n, router()] } })
    await flushPromises()
    // Still checking: the ledger is in use, no banner yet.
    expect(calls.filter((c) => c.cmd === 'chain_check').length).toBe(1)
    expect(w.find('[data-testid="audit-banner"]').exists()).toBe(false)
    answer = { path: '/tmp/t.db', ok: false, first_break: { seq: 3, event_id: 'e3', device_id: 'd', device_seq: 3, reason: 'hash' } }
    await new Promise((r) => setTimeout(r, CHAIN_POLL_MS + 100))
    await flushPromises()
    expect(w.get('[data-testid="audit-banner"]').text()).toContain('事件哈希链校验未通过')
    // The answer arrived: no more asking.
    const asked = calls.filter((c) => c.cmd === 'chain_check').length
    await new Promise((r) => setTimeout(r, CHAIN_POLL_MS + 100))
    expect(calls.filter((c) => c.cmd === 'chain_check').length).toBe(asked)
    await closeLedger()
    setAuditBroken(false)
    w.unmount()
  })

  it('a sound chain clears the banner a previous check left for the same file', async () => {
    app.ledger = { path: '/tmp/t.db', district_name: '示范区' }
    setAuditBroken(true)
    mockIPC((cmd) => (cmd === 'chain_check' ? { path: '/tmp/t.db', ok: true, first_break: null } : null))
    await ledgerOpened({ path: '/tmp/t.db', district_name: '示范区' })
    await flushPromises()
    expect(app.auditBrokenPath).toBe(null)
  })
})

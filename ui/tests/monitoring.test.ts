// The 监测 screens (docs/monitoring.md) against a mocked shell: the entry grid (keyboard
// movement, one command per changed row, a refusal in Chinese on its row), the monthly report
// with its totals and who did not report, and the warnings board.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { MonthlyReport } from '../src/bindings/MonthlyReport'
import type { SessionInfo } from '../src/bindings/SessionInfo'
import type { WarningRow } from '../src/bindings/WarningRow'
import IndicatorGrid from '../src/components/monitoring/IndicatorGrid.vue'
import MonthlyReportTable from '../src/components/monitoring/MonthlyReportTable.vue'
import WarningsBoard from '../src/components/monitoring/WarningsBoard.vue'
import { i18n, setLocale } from '../src/i18n'
import { formatAmount, nextCell, parseAmount } from '../src/logic/monitoring'
import { app } from '../src/stores/app'

const calls: { cmd: string; args: Record<string, unknown> }[] = []
function shell(reply: (cmd: string, args: Record<string, unknown>) => unknown) {
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>
    calls.push({ cmd, args: a })
    return reply(cmd, a)
  })
}

function session(role: SessionInfo['user']['role'], caps: Partial<SessionInfo['capabilities']>): SessionInfo {
  return {
    user: { id: 'u1', login: 'cg', name: '张镇', unit_id: 'cg', unit_name: '城关街道', role, active: true, has_password: false },
    unit: { id: 'cg', name: '城关街道', short_name: '城关', kind: 'township', active: true },
    capabilities: {
      register: false, supervise: false, handle: false, administer: false, instruct: false, audit: false, import: false, report: false,
      ...caps,
    },
  }
}

function router() {
  return createRouter({
    history: createMemoryHistory(),
    routes: ['dashboard', 'monitoring', 'projects', 'problem'].map((name) => ({
      path: name === 'problem' ? '/problem/:id' : `/${name}`,
      name,
      component: { template: '<div/>' },
    })),
  })
}

const enterprise = (id: string, name: string) => ({
  enterprise_id: id, name, township_id: 'cg', township_name: '城关街道', key_level: 'district' as const, paired_leader: '王副区长', steward: '李干部',
})
const fig = (key: string, value: number | null, yoy: number | null = null) => ({
  key, value, cumulative: value === null ? null : value * 3, last_year: null, last_year_cumulative: null, yoy, cumulative_yoy: null,
})
// What was entered: the cumulative the ledger summed (`fig`) is not among it.
const entry = (key: string, value: number) => ({ key, value, cumulative: null, last_year: null })

function report(locked = false): MonthlyReport {
  return {
    month: { year: 2026, month: 3 },
    due: '2026-04-08',
    locks_after: '2026-04-20',
    locked,
    indicators: [
      { key: 'gross_output', name: '工业总产值', unit: '万元', cumulative: true, may_be_negative: false },
      { key: 'electricity', name: '用电量', unit: '万千瓦时', cumulative: true, may_be_negative: false },
    ],
    rows: [
      { enterprise: enterprise('e1', '恒达机械'), reported: true, late: true, reported_at: '2026-04-21T02:00:00Z', note: '', entries: [entry('gross_output', 115000), entry('electricity', 5600)], figures: [fig('gross_output', 115000, 15), fig('electricity', 5600, -10.1)], sales_rate: 97.4 },
      { enterprise: enterprise('e2', '华安化工'), reported: false, late: false, reported_at: null, note: '', entries: [], figures: [fig('gross_output', null), fig('electricity', null)], sales_rate: null },
    ],
    totals: [
      { township_id: 'cg', name: '城关街道', enterprises: 2, reported: 1, not_reported: ['华安化工'], figures: [fig('gross_output', 115000, 15), fig('electricity', 5600, -10.1)], sales_rate: 97.4 },
      { township_id: null, name: '示范区', enterprises: 2, reported: 1, not_reported: ['华安化工'], figures: [fig('gross_output', 115000, 15), fig('electricity', 5600, -10.1)], sales_rate: 97.4 },
    ],
  }
}

beforeEach(() => {
  setLocale('zh-CN')
  calls.length = 0
  app.session = session('township', { register: true })
})
afterEach(() => {
  clearMocks()
  document.body.innerHTML = ''
})

describe('amounts as offices write them', () => {
  it('reads and writes hundredths', () => {
    expect(parseAmount('1,234.5')).toBe(123450)
    expect(parseAmount('１２３４．５６')).toBe(123456)
    expect(parseAmount('-3')).toBe(-300)
    expect(parseAmount('')).toBe(null)
    expect(parseAmount('1.234')).toBe(undefined)
    expect(parseAmount('abc')).toBe(undefined)
    expect(formatAmount(123450)).toBe('1234.5')
    expect(formatAmount(-3)).toBe('-0.03')
    expect(formatAmount(null)).toBe('—')
  })

  it('moves through a grid row by row', () => {
    expect(nextCell(0, 1, 2, 2, 'next')).toEqual([1, 0])
    expect(nextCell(1, 0, 2, 2, 'prev')).toEqual([0, 1])
    expect(nextCell(1, 1, 2, 2, 'next')).toBe(null)
    expect(nextCell(0, 1, 2, 2, 'down')).toEqual([1, 1])
    expect(nextCell(0, 1, 2, 2, 'up')).toBe(null)
  })
})

describe('the indicator entry grid', () => {
  const mountGrid = () =>
    mount(IndicatorGrid, {
      props: { month: { year: 2026, month: 3 }, townshipId: null },
      global: { plugins: [ElementPlus, i18n] },
      attachTo: document.body,
    })

  it('shows the due date, the late mark and what was reported; Tab and Enter move through the cells', async () => {
    shell((cmd) => (cmd === 'monthly_report' ? report() : null))
    const w = mountGrid()
    await flushPromises()
    expect(calls[0]).toEqual({ cmd: 'monthly_report', args: { month: { year: 2026, month: 3 }, township_id: null } })
    expect(w.get('[data-testid="grid-due"]').text()).toBe('应于 2026-04-08 前报送')
    expect(w.find('[data-testid="grid-locked"]').exists()).toBe(false)
    const first = w.get('[data-testid="grid-row-恒达机械"]')
    expect(first.text()).toContain('逾期更正')
    expect((w.get('[data-testid="cell-恒达机械-gross_output"]').element as HTMLInputElement).value).toBe('1150')
    expect(w.get('[data-testid="grid-row-华安化工"]').text()).toContain('未报')

    const cell = (r: number, c: number) => w.get(`input[data-cell="${r}-${c}"]`)
    ;(cell(0, 0).element as HTMLInputElement).focus()
    await cell(0, 0).trigger('keydown', { key: 'Enter' })
    expect(document.activeElement).toBe(cell(0, 1).element)
    await cell(0, 1).trigger('keydown', { key: 'Tab' })
    expect(document.activeElement).toBe(cell(1, 0).element)
    await cell(1, 0).trigger('keydown', { key: 'ArrowUp' })
    expect(document.activeElement).toBe(cell(0, 0).element)
    await cell(0, 0).trigger('keydown', { key: 'ArrowDown' })
    expect(document.activeElement).toBe(cell(1, 0).element)
    await cell(1, 0).trigger('keydown', { key: 'Enter', shiftKey: true })
    expect(document.activeElement).toBe(cell(0, 1).element)
    w.unmount()
  })

  it('saves a changed row as one report_indicators command', async () => {
    shell((cmd) => (cmd === 'monthly_report' ? report() : cmd === 'execute' ? [] : null))
    const w = mountGrid()
    await flushPromises()
    await w.get('[data-testid="cell-华安化工-gross_output"]').setValue('1,234.5')
    await w.get('[data-testid="cell-华安化工-electricity"]').setValue('56')
    expect(w.get('[data-testid="grid-save-all"]').text()).toBe('保存全部修改（1 行）')
    await w.get('[data-testid="grid-save-华安化工"]').trigger('click')
    await flushPromises()
    const exec = calls.find((c) => c.cmd === 'execute')
    expect(exec?.args.command).toEqual({
      action: 'report_indicators',
      report: {
        enterprise_id: 'e2',
        month: { year: 2026, month: 3 },
        entries: [
          { key: 'gross_output', value: 123450, cumulative: null, last_year: null },
          { key: 'electricity', value: 5600, cumulative: null, last_year: null },
        ],
        note: '',
        late: false,
      },
    })
    w.unmount()
  })

  it('saves again only what was entered, never the cumulative the ledger summed', async () => {
    shell((cmd) => (cmd === 'monthly_report' ? report() : cmd === 'execute' ? [] : null))
    const w = mountGrid()
    await flushPromises()
    await w.get('[data-testid="grid-with-cumulative"] input').setValue(true)
    await w.get('[data-testid="cell-恒达机械-electricity"]').setValue('57')
    await w.get('[data-testid="grid-save-恒达机械"]').trigger('click')
    await flushPromises()
    const exec = calls.find((c) => c.cmd === 'execute')
    const command = exec?.args.command as { report: { entries: unknown[] } } | undefined
    const entries = command?.report.entries
    expect(entries).toEqual([
      { key: 'gross_output', value: 115000, cumulative: null, last_year: null },
      { key: 'electricity', value: 5700, cumulative: null, last_year: null },
    ])
    w.unmount()
  })

  it('shows a refusal in Chinese on its row, and the lock', async () => {
    shell((cmd) => {
      if (cmd === 'monthly_report') return report(true)
      if (cmd === 'execute') {
        throw { code: 'monitoring.period_locked', message: 'locked', params: { period: '2026-03', locked_on: '2026-04-20' } }
      }
      return null
    })
    const w = mountGrid()
    await flushPromises()
    expect(w.get('[data-testid="grid-locked"]').text()).toBe('已锁定')
    await w.get('[data-testid="cell-华安化工-gross_output"]').setValue('12')
    await w.get('[data-testid="grid-save-all"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="grid-error-华安化工"]').text()).toBe('2026-03 的报表已于 2026-04-20 锁定，逾期更正须由办公室办理')
    // The row keeps what was typed, still unsaved.
    expect((w.get('[data-testid="cell-华安化工-gross_output"]').element as HTMLInputElement).value).toBe('12')
    expect(w.get('[data-testid="grid-row-华安化工"]').text()).toContain('未保存')
    w.unmount()
  })

  it('refuses a number with three decimals before asking the shell', async () => {
    shell((cmd) => (cmd === 'monthly_report' ? report() : null))
    const w = mountGrid()
    await flushPromises()
    await w.get('[data-testid="cell-华安化工-gross_output"]').setValue('1.234')
    await w.get('[data-testid="grid-save-华安化工"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="grid-error-华安化工"]').text()).toBe('工业总产值：“1.234”不是数字（最多两位小数）')
    expect(calls.some((c) => c.cmd === 'execute')).toBe(false)
    w.unmount()
  })
})

describe('the monthly report', () => {
  it('shows 本月, 累计 and 同比, the totals, and who did not report', async () => {
    shell((cmd) => (cmd === 'monthly_report' ? report() : null))
    const w = mount(MonthlyReportTable, {
      props: { month: { year: 2026, month: 3 }, townshipId: null },
      global: { plugins: [ElementPlus, i18n] },
    })
    await flushPromises()
    const row = w.get('[data-testid="report-row-恒达机械"]').text()
    expect(row).toContain('1150')
    expect(row).toContain('3450')
    expect(row).toContain('+15.00%')
    expect(row).toContain('-10.10%')
    expect(row).toContain('97.40%')
    expect(w.get('[data-testid="report-row-华安化工"]').text()).toContain('未报')
    expect(w.get('[data-testid="report-total-示范区"]').text()).toContain('示范区 合计')
    expect(w.get('[data-testid="report-total-示范区"]').text()).toContain('1/2 家已报')
    expect(w.get('[data-testid="report-not-reported"]').text()).toContain('城关街道 未报（1 家）：华安化工')
    w.unmount()
  })
})

const warning = (over: Partial<WarningRow>): WarningRow => ({
  id: 'w1', subject: 'enterprise', subject_id: 'e1', subject_name: '恒达机械', township_id: 'cg', township_name: '城关街道',
  period: { year: 2026, month: 3 }, level: 'orange', rule: 'yoy_below',
  params: { indicator: '工业总产值', month: '2026-03', yoy: -25, threshold: -20 },
  raised_at: '2026-04-05T02:00:00Z', open: true, computed: false, visit_task: true,
  responsible_leader: '王副区长', lead_unit: '城关街道', handler: '李干部', actions: [],
  ...over,
})

describe('the warnings board', () => {
  it('lists warnings by level with the reason in words and the three levels; handling sends handle_warning', async () => {
    const rows = [
      warning({}),
      warning({
        id: 'missing/e2/2026-03', subject_id: 'e2', subject_name: '华安化工', level: 'red', rule: 'report_missing', computed: true, raised_at: null,
        params: { who: '华安化工', report: '2026-03 月报', due: '2026-04-08' }, visit_task: false,
      }),
      warning({ id: 'w0', level: 'yellow', open: false, actions: [{ note: '已走访', visit_id: 'v1', problem_id: null, problem_number: null, actor_name: '张镇', at: '2026-04-06T02:00:00Z' }] }),
    ]
    shell((cmd) => {
      if (cmd === 'warnings_board') return rows
      if (cmd === 'execute') return []
      return null
    })
    const w = mount(WarningsBoard, { props: { townshipId: null }, global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    expect(calls[0]).toEqual({ cmd: 'warnings_board', args: { township_id: null, open_only: true, mine: false } })
    const first = w.get('[data-testid="warning-w1"]').text()
    expect(first).toContain('橙色')
    expect(first).toContain('工业总产值 2026-03 同比 -25%，降幅超过 -20%')
    expect(first).toContain('王副区长')
    expect(first).toContain('李干部')
    expect(first).toContain('未处置')
    expect(first).toContain('需走访')
    const missing = w.get('[data-testid="warning-missing/e2/2026-03"]').text()
    expect(missing).toContain('华安化工 的2026-03 月报应于 2026-04-08 前报送，至今未报')
    expect(missing).toContain('待报送')
    // A missing report closes itself: nothing to handle.
    expect(w.find('[data-testid="warning-handle-missing/e2/2026-03"]').exists()).toBe(false)
    expect(w.get('[data-testid="warnings-level-red"]').text()).toBe('红色 1')
    // History of what was done.
    await w.get('[data-testid="warning-history-w0"]').trigger('click')
    expect(w.get('[data-testid="warning-actions-w0"]').text()).toContain('张镇：已走访')

    await w.get('[data-testid="warning-handle-w1"]').trigger('click')
    await flushPromises()
    const note = document.querySelector<HTMLTextAreaElement>('textarea[data-testid="handle-note"]')
    expect(note).not.toBeNull()
    note!.value = '已约谈企业，订单下月恢复'
    note!.dispatchEvent(new Event('input'))
    await flushPromises()
    document.querySelector<HTMLButtonElement>('[data-testid="handle-submit"]')!.click()
    await flushPromises()
    const exec = calls.find((c) => c.cmd === 'execute')
    expect(exec?.args.command).toEqual({
      action: 'handle_warning',
      handling: { warning_id: 'w1', note: '已约谈企业，订单下月恢复', visit_id: null },
      visit: null,
    })
    w.unmount()
  })

  it('turning a warning into a problem starts with nothing chosen', async () => {
    shell((cmd) => {
      if (cmd === 'warnings_board') return [warning({})]
      if (cmd === 'get_settings') return { categories: ['用地', '融资'] }
      return null
    })
    const w = mount(WarningsBoard, { props: { townshipId: null }, global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    await w.get('[data-testid="warning-problem-w1"]').trigger('click')
    await flushPromises()
    const dialog = document.querySelector('[data-testid="origin-dialog"]')
    expect(dialog?.textContent).toContain('转为问题：恒达机械')
    const desc = document.querySelector<HTMLTextAreaElement>('textarea[data-testid="origin-description"]')
    expect(desc?.value).toBe('工业总产值 2026-03 同比 -25%，降幅超过 -20%')
    // No preselected category, source or priority: the submit waits for the user.
    expect(document.querySelector<HTMLButtonElement>('[data-testid="origin-submit"]')?.disabled).toBe(true)
    w.unmount()
  })
})

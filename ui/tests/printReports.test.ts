// The monitoring reports as printed pages (docs/monitoring.md, "Printing"): what the screen shows
// carried to the print page and back through the query, the workbooks' layout of the ledger's
// rows (nothing recomputed), and each page against a mocked shell: the command it reads, the
// district's title, the period, units in the headers, 制表单位 and 制表日期, A4 lying.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { MonthlyReport } from '../src/bindings/MonthlyReport'
import type { ProductionSummary } from '../src/bindings/ProductionSummary'
import type { ProjectReport } from '../src/bindings/ProjectReport'
import type { SessionInfo } from '../src/bindings/SessionInfo'
import type { Settings } from '../src/bindings/Settings'
import type { WarningRow } from '../src/bindings/WarningRow'
import { i18n, setLocale } from '../src/i18n'
import { documentDate } from '../src/logic/documents'
import { beijingToday } from '../src/logic/period'
import {
  compilerOf,
  figureColumns,
  figureSpan,
  monitoringQueryOf,
  monthlyLines,
  printedAmount,
  printedCount,
  printedPercent,
  printRoute,
  readMonitoringQuery,
  warningsAtLevel,
} from '../src/logic/printReports'
import { app } from '../src/stores/app'
import MonitoringPrintView from '../src/views/MonitoringPrintView.vue'
import ProjectsView from '../src/views/ProjectsView.vue'

const calls: { cmd: string; args: Record<string, unknown> }[] = []
function shell(reply: (cmd: string) => unknown) {
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> })
    return reply(cmd)
  })
}

function session(role: SessionInfo['user']['role'], unit: SessionInfo['unit']): SessionInfo {
  return {
    user: { id: 'u1', login: 'x', name: '王敏', unit_id: unit.id, unit_name: unit.name, role, active: true, has_password: false },
    unit,
    capabilities: { register: true, supervise: role === 'office', handle: false, administer: false, instruct: false, audit: false, import: false, report: true },
  }
}
const OFFICE = { id: 'o', name: '区企业服务办', short_name: '办公室', kind: 'office' as const, active: true }
const CHENGGUAN = { id: 'cg', name: '城关街道', short_name: '城关', kind: 'township' as const, active: true }

const ent = (id: string, name: string, township: string, townshipName: string) => ({
  enterprise_id: id, name, township_id: township, township_name: townshipName, key_level: 'district' as const, paired_leader: '王副区长', steward: '李干部',
})
const fig = (key: string, value: number | null, cumulative: number | null, yoy: number | null, cumulativeYoy: number | null) => ({
  key, value, cumulative, last_year: null, last_year_cumulative: null, yoy, cumulative_yoy: cumulativeYoy,
})

function monthly(): MonthlyReport {
  return {
    month: { year: 2026, month: 11 },
    due: '2026-12-08',
    locks_after: '2026-12-20',
    locked: false,
    indicators: [
      { key: 'gross_output', name: '工业总产值', unit: '万元', cumulative: true, may_be_negative: false },
      { key: 'employees', name: '平均用工人数', unit: '人', cumulative: false, may_be_negative: false },
    ],
    rows: [
      // The ledger lists the district's enterprises; the print groups them under their township.
      { enterprise: ent('e3', '东城纺织', 'dc', '东城街道'), reported: true, late: false, reported_at: null, note: '', entries: [], figures: [fig('gross_output', 50000, 500000, 2, 3), fig('employees', 12000, null, -1.5, null)], sales_rate: 99 },
      { enterprise: ent('e1', '恒达机械', 'cg', '城关街道'), reported: true, late: true, reported_at: '2026-12-21T02:00:00Z', note: '', entries: [], figures: [fig('gross_output', 123450, 1234567, 15, -10.1), fig('employees', 35600, null, 1.2, null)], sales_rate: 97.4 },
      { enterprise: ent('e2', '华安化工', 'cg', '城关街道'), reported: false, late: false, reported_at: null, note: '', entries: [], figures: [fig('gross_output', null, null, null, null), fig('employees', null, null, null, null)], sales_rate: null },
    ],
    totals: [
      { township_id: 'cg', name: '城关街道', enterprises: 2, reported: 1, not_reported: ['华安化工'], figures: [fig('gross_output', 123450, 1234567, 15, -10.1), fig('employees', 35600, null, 1.2, null)], sales_rate: 97.4 },
      { township_id: 'dc', name: '东城街道', enterprises: 1, reported: 1, not_reported: [], figures: [fig('gross_output', 50000, 500000, 2, 3), fig('employees', 12000, null, -1.5, null)], sales_rate: 99 },
      { township_id: null, name: '示范区', enterprises: 3, reported: 2, not_reported: ['华安化工'], figures: [fig('gross_output', 173450, 1734567, 11.11, -6.66), fig('employees', 47600, null, 0.5, null)], sales_rate: 98.1 },
    ],
  }
}

const production: ProductionSummary = {
  month: { year: 2026, month: 11 },
  xun: 'first',
  due: '2026-11-13',
  rows: [
    { enterprise: ent('e1', '恒达机械', 'cg', '城关街道'), line: { product: '数控机床', unit: '台', output: 12000, sales_domestic: 9000, sales_export: 1500, stock: 2500 }, rate: 87.5, cumulative_output: 1180000, cumulative_sales: 1100000, cumulative_rate: 93.22 },
  ],
  not_reported: [ent('e2', '华安化工', 'cg', '城关街道')],
}

const projectRow = (id: string, name: string, planYear: number, progress: boolean): ProjectReport['rows'][number] => ({
  project: {
    id, name, builder: '恒达机械', nature: 'new', township_id: 'cg', total_investment: 5000000, plan_year: planYear, annual_plan: 1200000,
    planned_start: '2026-01-10', planned_finish: null, actual_start: null, actual_finish: null, stage: 'started', paired_leader: '王副区长',
    responsible_unit_id: 'fg', service_unit_id: null, handler: '赵工', content: '',
  },
  township_name: '城关街道', responsible_unit_name: '发展和改革局', service_unit_name: '', month: { year: 2026, month: 11 },
  progress: progress
    ? { project_id: id, month: { year: 2026, month: 11 }, invested: 50000, year_to_date: null, stage: null, image_progress: '主体结构封顶', difficulties: '用地指标未落实', next_steps: '', late: false }
    : null,
  year_to_date: progress ? 1000000 : null, completion_rate: progress ? 83.33 : null, time_progress: 91.67, points_ahead: progress ? -8.34 : null,
  pace: progress ? 'behind' : null, open_warnings: 0, problems: [],
})
const projects: ProjectReport = {
  month: { year: 2026, month: 11 },
  rows: [projectRow('p1', '智能装备产业园', 2026, true), projectRow('p2', '物流园二期', 2025, false)],
  // The ledger's 合计, deliberately not the sum of the rows: the page prints what it is given.
  totals: { projects: 2, total_investment: 10000000, annual_plan: 1200000, invested: 50000, year_to_date: 1000000, completion_rate: 83.33, time_progress: 91.67, points_ahead: -8.34 },
}

const warning = (over: Partial<WarningRow>): WarningRow => ({
  id: 'w1', subject: 'enterprise', subject_id: 'e1', subject_name: '恒达机械', township_id: 'cg', township_name: '城关街道',
  period: { year: 2026, month: 10 }, level: 'orange', rule: 'yoy_below', params: { indicator: '工业总产值', month: '2026-10', yoy: -25, threshold: -20 },
  raised_at: '2026-11-05T02:00:00Z', open: true, computed: false, visit_task: true, responsible_leader: '王副区长', lead_unit: '城关街道', handler: '李干部',
  actions: [], ...over,
})
const warnings = [
  warning({}),
  warning({
    id: 'w2', level: 'red', open: false,
    actions: [
      { note: '已约谈企业', visit_id: 'v1', problem_id: null, problem_number: null, actor_name: '张伟', at: '2026-11-06T03:00:00Z' },
      { note: '转为问题', visit_id: null, problem_id: 'p9', problem_number: '2026-城关-0048', actor_name: '张伟', at: '2026-11-07T03:00:00Z' },
    ],
  }),
]

function router() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: { template: '<div/>' } },
      { path: '/projects', name: 'projects', component: { template: '<div/>' } },
      { path: '/problem/:id', name: 'problem', component: { template: '<div/>' } },
      { path: '/print/monitoring/:sheet', name: 'print-monitoring', component: MonitoringPrintView, props: true },
    ],
  })
}

beforeEach(() => {
  setLocale('zh-CN')
  calls.length = 0
  app.units = [CHENGGUAN]
  app.session = session('office', OFFICE)
  app.settings = { district_name: '示范区', documents: { issuer: '企业服务年办公室' } } as Settings
})
afterEach(() => {
  clearMocks()
  document.body.innerHTML = ''
  app.session = null
  app.settings = null
})

describe('what the screen shows, in the query', () => {
  const fallback = { year: 2026, month: 10 }
  it('reads back what it wrote, defaults left out', () => {
    const q = { month: { year: 2026, month: 11 }, townshipId: 'cg', xun: 'second' as const, openOnly: false, mine: true, level: 'red' as const }
    expect(monitoringQueryOf(q)).toEqual({ month: '2026-11', township: 'cg', xun: 'second', open: '0', mine: '1', level: 'red' })
    expect(readMonitoringQuery(monitoringQueryOf(q), fallback)).toEqual(q)
    const plain = readMonitoringQuery({}, fallback)
    expect(plain).toEqual({ month: fallback, townshipId: null, xun: 'first', openOnly: true, mine: false, level: '' })
    expect(monitoringQueryOf(plain)).toEqual({ month: '2026-10' })
    expect(printRoute('production', q)).toEqual({ name: 'print-monitoring', params: { sheet: 'production' }, query: monitoringQueryOf(q) })
  })

  it('falls back on what it cannot read', () => {
    expect(readMonitoringQuery({ month: '2026-13', xun: 'fourth', level: 'purple', open: 'yes' }, fallback)).toEqual({
      month: fallback, townshipId: null, xun: 'first', openOnly: true, mine: false, level: '',
    })
  })
})

describe('the printed layout', () => {
  it('names the compiler: a township or department itself, the office with the district', () => {
    expect(compilerOf('township', '城关街道', '示范区', '企业服务年办公室')).toBe('城关街道')
    expect(compilerOf('department', '区工业和信息化局', '示范区', '企业服务年办公室')).toBe('区工业和信息化局')
    expect(compilerOf('office', '区企业服务办', '示范区', '企业服务年办公室')).toBe('示范区企业服务年办公室')
    expect(compilerOf('leader', '区领导', '示范区', '示范区企业服务年办公室')).toBe('示范区企业服务年办公室')
  })

  it('orders the monthly report township by township, each closed by its 小计, the 合计 last', () => {
    const lines = monthlyLines(monthly()).map((l) => (l.kind === 'row' ? `${l.serial}.${l.row.enterprise.name}` : `${l.kind}:${l.total.name}`))
    expect(lines).toEqual(['1.恒达机械', '2.华安化工', 'subtotal:城关街道', '3.东城纺织', 'subtotal:东城街道', 'total:示范区'])
    // One township's report: its enterprises and its 小计, no district line.
    const one = monthly()
    one.rows = one.rows.filter((r) => r.enterprise.township_id === 'cg')
    one.totals = one.totals.slice(0, 1)
    expect(monthlyLines(one).map((l) => l.kind)).toEqual(['row', 'row', 'subtotal'])
  })

  it('gives an indicator the workbook columns, and formats without recomputing', () => {
    const [output, employees] = monthly().indicators
    expect(figureColumns(output!)).toEqual(['value', 'cumulative', 'cumulative_yoy'])
    expect(figureColumns(employees!)).toEqual(['value', 'yoy'])
    expect(figureSpan(monthly().indicators)).toBe(6)
    expect(printedAmount(123456789)).toBe('1,234,567.89')
    expect(printedAmount(-3)).toBe('-0.03')
    expect(printedAmount(null)).toBe('—')
    expect(printedCount(35600)).toBe('356')
    expect(printedCount(35650)).toBe('356.50')
    expect(printedPercent(-10.1)).toBe('-10.10')
    expect(printedPercent(null)).toBe('—')
    expect(printedPercent(Number.POSITIVE_INFINITY)).toBe('—')
    expect(warningsAtLevel(warnings, 'red').map((w) => w.id)).toEqual(['w2'])
    expect(warningsAtLevel(warnings, '')).toHaveLength(2)
  })
})

async function open(path: string) {
  const r = router()
  await r.push(path)
  const sheet = path.split('/')[3]!.split('?')[0]!
  const w = mount(MonitoringPrintView, { props: { sheet }, global: { plugins: [ElementPlus, i18n, r] } })
  await flushPromises()
  return w
}
const today = () => documentDate(beijingToday(), 'zh-CN')

describe('the print pages', () => {
  it('prints the monthly report with units in the headers, 小计 and 合计, who did not report, and the foot', async () => {
    shell((cmd) => (cmd === 'monthly_report' ? monthly() : null))
    const w = await open('/print/monitoring/monthly?month=2026-11&township=cg')
    expect(calls).toEqual([{ cmd: 'monthly_report', args: { month: { year: 2026, month: 11 }, township_id: 'cg' } }])
    expect(w.get('[data-testid="print-title"]').text()).toBe('示范区重点企业主要经济指标月报')
    const period = w.get('[data-testid="print-period"]').text()
    expect(period).toContain('统计月份：2026年11月')
    expect(period).toContain('范围：城关街道')
    expect(period).toContain('报送截止：2026-12-08')
    const head = w.get('[data-testid="print-monthly-table"] thead').text()
    expect(head).toContain('工业总产值（万元）')
    expect(head).toContain('平均用工人数（人）')
    expect(head).toContain('累计同比（%）')
    expect(head).toContain('产品销售率（%）')
    const first = w.get('[data-testid="print-monthly-row-恒达机械"]').findAll('td').map((c) => c.text())
    expect(first).toEqual(['1', '恒达机械', '城关街道', '1,234.50', '12,345.67', '-10.10', '356', '1.20', '97.40', '逾期更正（2026-12-21）'])
    expect(w.get('[data-testid="print-monthly-row-华安化工"]').text()).toContain('未报')
    expect(w.get('[data-testid="print-monthly-subtotal-城关街道"]').text()).toContain('已报1/2家')
    expect(w.get('[data-testid="print-monthly-total-示范区"]').text()).toContain('示范区合计')
    expect(w.get('[data-testid="print-monthly-total-示范区"]').text()).toContain('17,345.67')
    expect(w.get('[data-testid="print-not-reported"]').text()).toBe('未报企业：城关街道（1家）：华安化工')
    const foot = w.get('[data-testid="print-foot"]').text()
    expect(foot).toContain('制表单位：示范区企业服务年办公室')
    expect(foot).toContain(`制表日期：${today()}`)
    // The A4 landscape paper is linked while the page is open, and only then.
    expect(document.head.querySelector('link[data-paper="a4-landscape"]')).not.toBeNull()
    w.unmount()
    expect(document.head.querySelector('link[data-paper="a4-landscape"]')).toBeNull()
  })

  it('prints the 旬报 summary of the 旬 asked, with who did not report and their pairing', async () => {
    app.session = session('township', CHENGGUAN)
    shell((cmd) => (cmd === 'production_summary' ? production : null))
    // A township official prints their own township whatever the query says.
    const w = await open('/print/monitoring/production?month=2026-11&township=dc')
    expect(calls[0]).toEqual({ cmd: 'production_summary', args: { month: { year: 2026, month: 11 }, xun: 'first', township_id: 'cg' } })
    expect(w.get('[data-testid="print-title"]').text()).toBe('示范区重点企业主要产品产销旬报')
    expect(w.get('[data-testid="print-period"]').text()).toContain('统计旬次：2026年11月上旬')
    expect(w.get('[data-testid="print-period"]').text()).toContain('报送截止：2026-11-13')
    const cells = w.get('[data-testid="print-production-row-0"]').findAll('td').map((c) => c.text())
    expect(cells).toEqual(['1', '恒达机械', '城关街道', '数控机床', '台', '120.00', '90.00', '15.00', '87.50', '25.00', '11,800.00', '11,000.00', '93.22'])
    const missing = w.get('[data-testid="print-production-missing"]').text()
    expect(missing).toContain('未报送企业（1 家）')
    expect(missing).toContain('华安化工')
    expect(missing).toContain('王副区长')
    expect(w.get('[data-testid="print-foot"]').text()).toContain('制表单位：城关街道')
    w.unmount()
  })

  it('prints the project progress report with the ledger 合计 as given', async () => {
    shell((cmd) => (cmd === 'project_report' ? projects : null))
    const w = await open('/print/monitoring/projects?month=2026-11')
    expect(calls[0]).toEqual({ cmd: 'project_report', args: { month: { year: 2026, month: 11 }, township_id: null } })
    expect(w.get('[data-testid="print-title"]').text()).toBe('示范区重点项目进度月报')
    expect(w.get('[data-testid="print-period"]').text()).toContain('范围：全区')
    expect(w.get('[data-testid="print-projects-table"] thead').text()).toContain('年度计划投资（万元）')
    const p1 = w.get('[data-testid="print-project-智能装备产业园"]').findAll('td').map((c) => c.text())
    expect(p1.slice(0, 12)).toEqual(['1', '智能装备产业园', '城关街道', '新建', '50,000.00', '12,000.00', '500.00', '10,000.00', '83.33', '91.67', '-8.34', '滞后'])
    expect(p1.slice(12, 14)).toEqual(['主体结构封顶', '用地指标未落实'])
    // Last year's plan is not this year's; a month not in is 未报.
    const p2 = w.get('[data-testid="print-project-物流园二期"]').findAll('td').map((c) => c.text())
    expect(p2.slice(5, 8)).toEqual(['—', '未报', '—'])
    const total = w.get('[data-testid="print-projects-total"]').findAll('td').map((c) => c.text())
    expect(total.slice(0, 8)).toEqual(['合计（2 个项目）', '100,000.00', '12,000.00', '500.00', '10,000.00', '83.33', '91.67', '-8.34'])
    w.unmount()
  })

  it('prints the warnings the board shows, its filter in words', async () => {
    shell((cmd) => (cmd === 'warnings_board' ? warnings : null))
    const w = await open('/print/monitoring/warnings?month=2026-11&open=0&level=red')
    expect(calls[0]).toEqual({ cmd: 'warnings_board', args: { township_id: null, open_only: false, mine: false } })
    expect(w.get('[data-testid="print-title"]').text()).toBe('示范区重点企业和重点项目监测预警清单')
    expect(w.get('[data-testid="print-period"]').text()).toContain(`截至 ${today()}`)
    expect(w.get('[data-testid="print-filter"]').text()).toBe('全部预警（含已处置），仅红色')
    expect(w.find('[data-testid="print-warning-w1"]').exists()).toBe(false)
    const row = w.get('[data-testid="print-warning-w2"]').findAll('td').map((c) => c.text())
    expect(row.slice(0, 6)).toEqual(['1', '红色', '企业', '恒达机械', '城关街道', '2026-10'])
    expect(row[6]).toContain('同比 -25%')
    expect(row.slice(7, 11)).toEqual(['王副区长', '城关街道', '李干部', '已处置'])
    expect(row[11]).toBe('2026-11-06 张伟：已约谈企业（同时记录走访）\n2026-11-07 张伟：转为问题（已转为问题 2026-城关-0048）')
    expect(row[12]).toBe('2026-11-05')
    expect(w.get('[data-testid="print-warnings-count"]').text()).toContain('共 1 条')
    w.unmount()
  })
})

describe('the screens', () => {
  it('open the print page of what they show', async () => {
    shell((cmd) => (cmd === 'key_projects' ? projects.rows : null))
    const r = router()
    await r.push('/projects?month=2026-11&township=cg')
    const w = mount(ProjectsView, { global: { plugins: [ElementPlus, i18n, r] }, attachTo: document.body })
    await flushPromises()
    expect(calls[0]).toEqual({ cmd: 'key_projects', args: { month: { year: 2026, month: 11 }, township_id: 'cg' } })
    await w.get('[data-testid="projects-print"]').trigger('click')
    await flushPromises()
    expect(r.currentRoute.value.name).toBe('print-monitoring')
    expect(r.currentRoute.value.params.sheet).toBe('projects')
    expect(r.currentRoute.value.query).toEqual({ month: '2026-11', township: 'cg' })
    w.unmount()
  })
})

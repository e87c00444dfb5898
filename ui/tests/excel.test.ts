// The Excel screens on a mocked shell: the import wizard, the export dialog of the ledger, the
// printable report.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus, { ElMessageBox } from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { Channel } from '@tauri-apps/api/core'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { ImportPreview } from '../src/bindings/ImportPreview'
import type { Report } from '../src/bindings/Report'
import type { SessionInfo } from '../src/bindings/SessionInfo'
import { i18n, setLocale } from '../src/i18n'
import { app } from '../src/stores/app'
import { ledgerState } from '../src/stores/ledgerState'
import * as api from '../src/api'
import ImportView from '../src/views/ImportView.vue'
import LedgerView from '../src/views/LedgerView.vue'
import ReportView from '../src/views/ReportView.vue'
import AppLayout from '../src/components/AppLayout.vue'

const units = [
  { id: 'cg', name: '城关街道', short_name: '城关', kind: 'township', active: true },
  { id: 'gx', name: '工业和信息化局', short_name: '工信局', kind: 'department', active: true },
] as const

function session(caps: Partial<SessionInfo['capabilities']>): SessionInfo {
  return {
    user: { id: 'u0', login: 'admin', name: '管理员', unit_id: 'o', unit_name: '服务年办公室', role: 'office', active: true, has_password: true },
    unit: { id: 'o', name: '服务年办公室', short_name: '办公室', kind: 'office', active: true },
    capabilities: {
      register: false, supervise: false, handle: false, administer: false, instruct: false, audit: false, import: false, report: false,
      ...caps,
    },
  }
}

function router() {
  return createRouter({
    history: createMemoryHistory(),
    routes: ['start', 'signin', 'dashboard', 'ledger', 'register', 'inbox', 'console', 'scorecards', 'report', 'enterprises', 'visits', 'monitoring', 'projects', 'import', 'admin', 'calendar', 'settings', 'audit'].map((n) => ({
      path: n === 'start' ? '/' : `/${n}`,
      name: n,
      component: { template: '<div/>' },
    })),
  })
}

const calls: { cmd: string; args: Record<string, unknown> }[] = []
function shell(reply: (cmd: string, args: Record<string, unknown>) => unknown) {
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>
    calls.push({ cmd, args: a })
    return reply(cmd, a)
  })
}
function progress(ch: unknown, index: number, done: number, total: number) {
  const run = (window as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, d: unknown) => void } }).__TAURI_INTERNALS__.runCallback
  run((ch as Channel<unknown>).id, { index, message: { stage: 'x', done, total } })
}

beforeEach(() => {
  setLocale('zh-CN')
  calls.length = 0
  app.units = units.map((u) => ({ ...u }))
  app.ledger = { path: '/tmp/t.db', district_name: '示范区' }
  app.session = session({ import: true, report: true, register: true, supervise: true })
})
afterEach(() => {
  clearMocks()
  document.body.innerHTML = ''
})

function preview(over: Partial<ImportPreview> = {}): ImportPreview {
  return {
    kind: 'ledger', file: '台账.xlsx', sheet: '台账', sheets: ['台账', '说明'], header_row: 3,
    columns: [
      { column: 0, letter: 'A', header: '序号', field: 'serial_no', matched: 'exact', also: null },
      { column: 1, letter: 'B', header: '企业名称', field: 'enterprise', matched: 'exact', also: null },
      { column: 2, letter: 'C', header: '存在问题', field: 'description', matched: 'exact', also: null },
      { column: 3, letter: 'D', header: '<b>诉求</b>', field: null, matched: null, also: null },
    ],
    rows_read: 12, rows_new: 9, rows_updated: 0, rows_duplicate: 1,
    skipped: [{ row: 16, reason: 'footer', detail: '合计' }, { row: 8, reason: 'duplicate', detail: '2026-城关-0001' }],
    issues: [
      { row: 5, column: '提出时间', value: '2099-01-01', code: 'import.row.future_date', severity: 'warning' },
      { row: 6, column: '企业名称', value: '', code: 'import.row.missing_enterprise', severity: 'error' },
    ],
    units: [{ name: '区工信局', kind: 'department', unit_id: 'gx', unit_name: '工业和信息化局', create: false, rows: 4 }],
    unimported: [], categories: [],
    enterprises_new: 3, enterprises_matched: 6,
    statuses: [{ status: 'in_progress', count: 5 }, { status: 'closed', count: 4 }],
    can_commit: false, file_sha256: 'abc',
    ...over,
  }
}

describe('import wizard', () => {
  it('previews a typed path, re-previews on a mapping change, shows the counts, commits with progress', async () => {
    let n = 0
    shell((cmd, args) => {
      if (cmd === 'list_units') return units
      if (cmd === 'import_preview') {
        n++
        return n === 1 ? preview() : preview({ issues: [], can_commit: true })
      }
      if (cmd === 'import_commit') {
        progress(args.on_progress, 0, 5, 9)
        return { preview: preview({ issues: [], can_commit: true }), events: 31 }
      }
      throw { code: 'test.unexpected', message: cmd, params: {} }
    })
    const w = mount(ImportView, { global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    expect(w.get('[data-testid="import-next"]').attributes('disabled')).toBeDefined()
    await w.get('[data-testid="import-path"]').setValue('/data/台账.xlsx')
    await w.get('[data-testid="import-next"]').trigger('click')
    await flushPromises()
    const first = calls.find((c) => c.cmd === 'import_preview')!
    expect(first.args).toEqual({ kind: 'ledger', path: '/data/台账.xlsx', options: { sheet: null, header_row: null, columns: [], units: [], categories: [], add_categories: [] } })

    // Mapping: header text as text, a sheet selector, the unit table.
    expect(w.find('[data-testid="import-step-mapping"]').exists()).toBe(true)
    expect(w.get('[data-testid="import-column-row-D"]').text()).toContain('<b>诉求</b>')
    expect(w.find('[data-testid="import-column-row-D"] b').exists()).toBe(false)
    expect(w.find('[data-testid="import-sheet"]').exists()).toBe(true)
    expect(w.find('[data-testid="import-unit-区工信局"]').exists()).toBe(true)
    expect(w.get('[data-testid="import-mapping-summary"]').text()).toContain('错误 1 处')

    const selects = w.findAllComponents({ name: 'ElSelect' })
    const colD = selects.find((s) => s.attributes('data-testid') === 'import-column-D')!
    colD.vm.$emit('update:modelValue', 'demand')
    await flushPromises()
    const second = calls.filter((c) => c.cmd === 'import_preview')[1]
    expect((second.args.options as { columns: unknown }).columns).toEqual([{ column: 3, field: 'demand' }])

    const unit = selects.find((s) => s.attributes('data-testid') === 'import-unit-区工信局')!
    unit.vm.$emit('update:modelValue', '__new__')
    await flushPromises()
    const third = calls.filter((c) => c.cmd === 'import_preview')[2]
    expect((third.args.options as { units: unknown }).units).toEqual([{ name: '区工信局', unit_id: null }])

    await w.get('[data-testid="import-next"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="import-count-rows-read"]').text()).toBe('12')
    expect(w.get('[data-testid="import-count-new"]').text()).toBe('9')
    expect(w.get('[data-testid="import-count-duplicate"]').text()).toBe('1')
    expect(w.get('[data-testid="import-count-enterprises-new"]').text()).toBe('3')
    expect(w.get('[data-testid="import-count-enterprises-matched"]').text()).toBe('6')
    expect(w.get('[data-testid="import-skipped"]').text()).toContain('台账中已有（2026-城关-0001）')
    expect(w.get('[data-testid="import-skipped"]').text()).toContain('合计/落款行')
    expect(w.get('[data-testid="import-statuses"]').text()).toContain('办理中 5')

    const commit = w.get('[data-testid="import-commit"]')
    expect(commit.attributes('disabled')).toBeUndefined()
    await commit.trigger('click')
    await flushPromises()
    const c = calls.find((x) => x.cmd === 'import_commit')!
    expect(c.args.kind).toBe('ledger')
    expect(c.args.path).toBe('/data/台账.xlsx')
    expect(c.args.options).toEqual({
      sheet: null,
      header_row: null,
      columns: [{ column: 3, field: 'demand' }],
      units: [{ name: '区工信局', unit_id: null }],
      categories: [],
      add_categories: [],
    })
    expect(c.args.on_progress).toBeInstanceOf(Channel)
    expect(w.get('[data-testid="import-result"]').text()).toContain('新增问题 9 条')
    expect(w.get('[data-testid="import-result-events"]').text()).toBe('31')
    expect(w.find('[data-testid="import-go-ledger"]').exists()).toBe(true)
    w.unmount()
  })

  it('shows how each column was matched, the columns left out with a suggestion, and maps or adds categories', async () => {
    const messy = preview({
      columns: [
        { column: 0, letter: 'A', header: '企业名称', field: 'enterprise', matched: 'exact', also: null },
        { column: 1, letter: 'B', header: '企业提出的问题和诉求', field: 'description', matched: 'compound', also: 'demand' },
        { column: 2, letter: 'C', header: '主要承办人', field: 'handler', matched: 'meaning', also: null },
        { column: 3, letter: 'D', header: '最新进展', field: null, matched: null, also: null },
      ],
      unimported: [{ column: 3, letter: 'D', header: '最新进展', rows: 7, reason: 'resembles', suggestion: 'progress', held_by: null }],
      categories: [
        { value: '科技创新', rows: 3, matched: 'unmatched', category: null, candidates: [] },
        { value: '人才', rows: 2, matched: 'unmatched', category: null, candidates: ['用工'] },
        { value: '要素', rows: 9, matched: 'meaning', category: '水电气等要素', candidates: [] },
      ],
    })
    shell((cmd) => {
      if (cmd === 'list_units') return units
      if (cmd === 'get_settings') return { categories: ['融资', '用工', '水电气等要素', '其他'] }
      if (cmd === 'import_preview') return messy
      throw { code: 'test.unexpected', message: cmd, params: {} }
    })
    const w = mount(ImportView, { global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    await w.get('[data-testid="import-path"]').setValue('/data/西山.xlsx')
    await w.get('[data-testid="import-next"]').trigger('click')
    await flushPromises()

    expect(w.get('[data-testid="import-column-match-A"]').text()).toContain('名称一致')
    expect(w.get('[data-testid="import-column-match-B"]').text()).toContain('合并列')
    expect(w.get('[data-testid="import-column-match-B"]').text()).toContain('另含“企业诉求”')
    expect(w.get('[data-testid="import-column-match-C"]').text()).toContain('按含义')
    expect(w.get('[data-testid="import-unimported-D"]').text()).toContain('7 行有数据')
    expect(w.get('[data-testid="import-unimported-D"]').text()).toContain('表头近似“办理进展”')
    const rows = w.get('[data-testid="import-categories"]').text()
    expect(rows).toContain('科技创新')
    expect(rows).toContain('未对应')
    expect(rows).toContain('按含义')

    // "Import as the suggestion" maps the column by hand and previews again.
    await w.get('[data-testid="import-unimported-use-D"]').trigger('click')
    await flushPromises()
    let last = calls.filter((c) => c.cmd === 'import_preview').slice(-1)[0]
    expect((last.args.options as { columns: unknown }).columns).toEqual([{ column: 3, field: 'progress' }])

    // One value mapped to a listed category, another added to the list.
    const selects = w.findAllComponents({ name: 'ElSelect' })
    selects.find((s) => s.attributes('data-testid') === 'import-category-人才')!.vm.$emit('update:modelValue', '用工')
    await flushPromises()
    selects.find((s) => s.attributes('data-testid') === 'import-category-科技创新')!.vm.$emit('update:modelValue', '__add__')
    await flushPromises()
    last = calls.filter((c) => c.cmd === 'import_preview').slice(-1)[0]
    const options = last.args.options as { categories: unknown; add_categories: unknown }
    expect(options.categories).toEqual([{ name: '人才', category: '用工' }])
    expect(options.add_categories).toEqual(['科技创新'])
    w.unmount()
  })

  it('lists the issues with translated codes and keeps the commit disabled while there are errors', async () => {
    shell((cmd) => (cmd === 'import_preview' ? preview() : cmd === 'list_units' ? units : null))
    const w = mount(ImportView, { global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await w.get('[data-testid="import-kind-enterprises"] input').setValue(true)
    await w.get('[data-testid="import-path"]').setValue('/data/名录.csv')
    await w.get('[data-testid="import-next"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'import_preview')!.args.kind).toBe('enterprises')
    await w.get('[data-testid="import-next"]').trigger('click')
    await flushPromises()
    const issues = w.get('[data-testid="import-issues"]').text()
    expect(issues).toContain('缺少企业名称')
    expect(issues).toContain('日期晚于今天')
    expect(issues.indexOf('缺少企业名称')).toBeLessThan(issues.indexOf('日期晚于今天'))
    expect(w.get('[data-testid="import-count-errors"]').text()).toBe('1')
    expect(w.find('[data-testid="import-cannot-commit"]').exists()).toBe(true)
    expect(w.get('[data-testid="import-commit"]').attributes('disabled')).toBeDefined()
    w.unmount()
  })

  it('shows a refused preview as the localized error and stays on the first step', async () => {
    shell((cmd) => {
      if (cmd === 'import_preview') throw { code: 'import.not_a_spreadsheet', message: 'x', params: { path: '/data/a.txt' } }
      return units
    })
    const w = mount(ImportView, { global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await w.get('[data-testid="import-path"]').setValue('/data/a.txt')
    await w.get('[data-testid="import-next"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="import-error"]').text()).toContain('/data/a.txt 不是 Excel（.xlsx/.xls）或 CSV 文件')
    expect(w.find('[data-testid="import-step-file"]').exists()).toBe(true)
    w.unmount()
  })
})

describe('import wizard without a header found', () => {
  it('asks for the header row and previews again with it', async () => {
    let n = 0
    shell((cmd, args) => {
      if (cmd === 'list_units') return units
      if (cmd === 'import_preview') {
        n++
        if (n === 1) throw { code: 'import.no_header', message: 'x', params: { scanned: 30 } }
        expect((args.options as { header_row: number }).header_row).toBe(4)
        return preview({ header_row: 4 })
      }
      return null
    })
    const w = mount(ImportView, { global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    expect(w.find('[data-testid="import-header-row-first"]').exists()).toBe(false)
    await w.get('[data-testid="import-path"]').setValue('/data/无表头.xlsx')
    await w.get('[data-testid="import-next"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="import-error"]').text()).toContain('前 30 行中找不到表头')
    const input = w.findAllComponents({ name: 'ElInputNumber' }).find((c) => c.attributes('data-testid') === 'import-header-row-first')!
    input.vm.$emit('change', 4)
    await flushPromises()
    await w.get('[data-testid="import-next"]').trigger('click')
    await flushPromises()
    expect(n).toBe(2)
    expect(w.find('[data-testid="import-step-mapping"]').exists()).toBe(true)
    w.unmount()
  })
})

describe('exports', () => {
  it('exports the ledger with the filter and sort on screen to a typed path', async () => {
    ledgerState.filter = { ...api.emptyFilter(), statuses: ['in_progress'], township_id: 'cg' }
    ledgerState.sort = { key: 'deadline', descending: false }
    shell((cmd, args) => {
      if (cmd === 'list_problems') return { total: 42, offset: 0, rows: [] }
      if (cmd === 'export_ledger') {
        progress(args.on_progress, 0, 42, 42)
        return { rows: 42, path: args.path, chain_heads: [{ device_id: 'd1', events: 300, head_hash: 'ff00' }] }
      }
      throw { code: 'test.unexpected', message: cmd, params: {} }
    })
    const w = mount(LedgerView, { global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    await w.get('[data-testid="ledger-export-csv"]').trigger('click')
    await flushPromises()
    const dialog = () => document.querySelector('[data-testid="export-dialog"]') as HTMLElement
    expect(dialog().textContent).toContain('全部 42 条')
    const input = document.querySelector('[data-testid="export-path"]') as HTMLInputElement
    input.value = '/tmp/out'
    input.dispatchEvent(new Event('input'))
    await flushPromises()
    ;(document.querySelector('[data-testid="export-start"]') as HTMLElement).click()
    await flushPromises()
    const c = calls.find((x) => x.cmd === 'export_ledger')!
    expect(c.args.path).toBe('/tmp/out.csv')
    expect(c.args.format).toBe('csv')
    expect(c.args.filter).toEqual({ ...api.emptyFilter(), statuses: ['in_progress'], township_id: 'cg' })
    expect(c.args.sort).toEqual({ key: 'deadline', descending: false })
    expect(c.args.on_progress).toBeInstanceOf(Channel)
    expect(document.querySelector('[data-testid="export-result-rows"]')?.textContent).toBe('42')
    expect(document.querySelector('[data-testid="export-result"]')?.textContent).toContain('ff00')
    w.unmount()
    ledgerState.filter = api.emptyFilter()
    ledgerState.sort = { key: 'registered', descending: true }
  })

  it('shows a refused export as the localized error and keeps the dialog open', async () => {
    shell((cmd) => {
      if (cmd === 'list_problems') return { total: 3, offset: 0, rows: [] }
      if (cmd === 'export_ledger') throw { code: 'export.file_in_use', message: 'x', params: { path: '/tmp/a.xlsx' } }
      return null
    })
    const w = mount(LedgerView, { global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    await w.get('[data-testid="ledger-export-xlsx"]').trigger('click')
    await flushPromises()
    const input = document.querySelector('[data-testid="export-path"]') as HTMLInputElement
    input.value = '/tmp/a.xlsx'
    input.dispatchEvent(new Event('input'))
    await flushPromises()
    ;(document.querySelector('[data-testid="export-start"]') as HTMLElement).click()
    await flushPromises()
    expect(calls.find((x) => x.cmd === 'export_ledger')!.args.format).toBe('xlsx')
    expect(document.querySelector('[data-testid="export-error"]')?.textContent).toContain('/tmp/a.xlsx 正被其他程序（如 Excel、WPS）打开，请关闭后重试')
    expect(document.querySelector('[data-testid="export-result"]')).toBeNull()
    w.unmount()
  })

  it('replaces an existing typed path only after the user confirms (issue 14)', async () => {
    shell((cmd, args) => {
      if (cmd === 'list_problems') return { total: 3, offset: 0, rows: [] }
      if (cmd === 'export_ledger' && !args.overwrite) throw { code: 'output.exists', message: 'x', params: { path: '/tmp/a.xlsx' } }
      if (cmd === 'export_ledger') return { rows: 3, path: '/tmp/a.xlsx', chain_heads: [] }
      return null
    })
    const ask = vi.spyOn(ElMessageBox, 'confirm')
    const w = mount(LedgerView, { global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    const start = async () => {
      await w.get('[data-testid="ledger-export-xlsx"]').trigger('click')
      await flushPromises()
      const input = document.querySelector('[data-testid="export-path"]') as HTMLInputElement
      input.value = '/tmp/a.xlsx'
      input.dispatchEvent(new Event('input'))
      await flushPromises()
      ;(document.querySelector('[data-testid="export-start"]') as HTMLElement).click()
      await flushPromises()
    }
    // Declined: nothing is replaced, the refusal is shown.
    ask.mockRejectedValueOnce('cancel')
    await start()
    expect(calls.filter((x) => x.cmd === 'export_ledger').map((x) => x.args.overwrite)).toEqual([false])
    expect(document.querySelector('[data-testid="export-error"]')?.textContent).toContain('/tmp/a.xlsx 已存在')
    // Confirmed: sent again with overwrite.
    ask.mockResolvedValueOnce('confirm' as never)
    ;(document.querySelector('[data-testid="export-start"]') as HTMLElement).click()
    await flushPromises()
    expect(calls.filter((x) => x.cmd === 'export_ledger').map((x) => x.args.overwrite)).toEqual([false, false, true])
    expect(document.querySelector('[data-testid="export-result-rows"]')?.textContent).toBe('3')
    ask.mockRestore()
    w.unmount()
  })

  it('passes the snake_case arguments of the report commands', async () => {
    shell(() => ({ rows: 0, path: '/tmp/r.xlsx', chain_heads: [] }))
    await api.exportReport('/tmp/r.xlsx', '2026-03')
    await api.report('2026-Q1')
    expect(calls[0].cmd).toBe('export_report')
    expect(calls[0].args.path).toBe('/tmp/r.xlsx')
    expect(calls[0].args.period).toBe('2026-03')
    expect(calls[0].args.on_progress).toBeInstanceOf(Channel)
    expect(calls[1]).toEqual({ cmd: 'report', args: { period: '2026-Q1' } })
  })
})

const report: Report = {
  period: { kind: 'month', key: '2026-03', label: '2026年3月', start: '2026-03-01', end: '2026-03-31' },
  generated_at: '2026-04-01T01:00:00Z',
  district_name: '示范区',
  issuer: '示范区企业服务年办公室',
  bulletin_number: '2026年第3期',
  min_sample: 3,
  weights: { sign_rate: 0.2, on_time_rate: 0.4, resolution_rate: 0.2, satisfaction_rate: 0.2, upheld_return_penalty: 2, overdue_penalty: 1 },
  summary: { registered: 17, assigned: 15, resolved: 9, closed: 6, open_now: 8, overdue_now: 2, by_status: { in_progress: 5, closed: 6 }, by_category: {} },
  departments: [
    {
      unit_id: 'gx', unit_name: '工业和信息化局', score: 91.5, rank: 1, ranked: true,
      lead: {
        assigned: 8, signed: 8, signed_on_time: 7, sign_rate: 0.875, resolved: 5, resolved_on_time: 4, on_time_rate: 0.8, solved: 4,
        resolution_rate: 0.8, overdue_now: 1, red_now: 0, yellow_now: 1, returns_made: 1, returns_upheld: 0, extensions_asked: 1, extensions_granted: 1, reopened: 0,
        evaluated: 4, satisfied: 4, satisfaction_rate: 1, avg_days_to_resolve: 6.5,
      },
      support: { tasks: 2, opinions: 2, opinions_on_time: 1, on_time_rate: 0.5, overdue_now: 0 },
    },
    {
      unit_id: 'zj', unit_name: '住房和城乡建设局', score: null, rank: null, ranked: false,
      lead: {
        assigned: 1, signed: 1, signed_on_time: 1, sign_rate: 1, resolved: 0, resolved_on_time: 0, on_time_rate: null, solved: 0,
        resolution_rate: null, overdue_now: 0, red_now: 0, yellow_now: 0, returns_made: 0, returns_upheld: 0, extensions_asked: 0, extensions_granted: 0, reopened: 0,
        evaluated: 0, satisfied: 0, satisfaction_rate: null, avg_days_to_resolve: null,
      },
      support: { tasks: 0, opinions: 0, opinions_on_time: 0, on_time_rate: null, overdue_now: 0 },
    },
  ],
  townships: [{ unit_id: 'cg', unit_name: '城关街道', visits: 10, key_enterprises: 4, key_enterprises_visited: 3, coverage_rate: 0.75, problems_registered: 9, resolved_locally: 2, callbacks: 3, red_now: 0, yellow_now: 1 }],
  categories: [{ category: '用地', registered: 5, share: 0.294, resolved: 2, solved: 2, resolution_rate: 1, closed: 1, open_now: 3, overdue_now: 1, evaluated: 1, satisfied: 1, satisfaction_rate: 1 }],
  overdue: [
    {
      problem_id: 'p1', number: '2026-城关-0001', enterprise_name: '<img src=x onerror=alert(1)>恒达', township_name: '城关街道', category: '用地',
      priority: 'urgent', lead_unit_name: '工业和信息化局', status: 'in_progress', sign_deadline: '2026-03-03', handling_deadline: '2026-03-16',
      sign_overdue: false, handling_overdue: true, days_overdue: 11, level: 'yellow', urge_count: 1,
    },
  ],
  chain_heads: [{ device_id: 'dev-1', events: 120, head_hash: 'beef' }],
}

describe('printable report', () => {
  it('renders every section with the period and time, unranked as 样本不足, data as text', async () => {
    shell((cmd) => (cmd === 'report' ? report : null))
    const w = mount(ReportView, { global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    expect(calls[0].cmd).toBe('report')
    // A 通报: the district's bulletin, the issuing office and the date, the title, and the
    // period line once, not again under every section.
    expect(w.get('[data-testid="report-issuing"]').text()).toBe('示范区企业服务工作通报')
    expect(w.get('[data-testid="report-issuer"]').text()).toBe('示范区企业服务年办公室')
    expect(w.get('[data-testid="report-number"]').text()).toBe('2026年第3期')
    expect(w.find('[data-testid="report-issue-number"]').exists()).toBe(false)
    expect(w.get('[data-testid="report-date"]').text()).toBe('2026年4月1日')
    expect(w.get('[data-testid="report-title"]').text()).toBe('关于2026年3月企业问题办理情况的通报')
    expect(w.get('[data-testid="report-meta"]').text()).toBe('统计期间：2026年3月（2026-03-01 至 2026-03-31）　生成时间：2026-04-01 09:00')
    expect(w.findAll('.section-meta')).toHaveLength(0)
    expect(w.text().split('统计期间').length - 1).toBe(1)
    for (const s of ['summary', 'departments', 'support', 'townships', 'categories', 'overdue']) {
      expect(w.find(`[data-testid="report-${s}"]`).exists()).toBe(true)
    }
    expect(w.get('[data-testid="report-sign"]').text()).toContain('示范区企业服务年办公室')
    expect(w.get('[data-testid="report-registered"]').text()).toBe('17')
    expect(w.get('[data-testid="report-dept-工业和信息化局"]').text()).toContain('87.5%')
    expect(w.get('[data-testid="report-dept-住房和城乡建设局"]').text()).toContain('样本不足')
    expect(w.get('[data-testid="report-support-工业和信息化局"]').text()).toContain('50.0%')
    expect(w.get('[data-testid="report-township-城关街道"]').text()).toContain('75.0%')
    expect(w.get('[data-testid="report-category-用地"]').text()).toContain('29.4%')
    const row = w.get('[data-testid="report-overdue-2026-城关-0001"]')
    expect(row.text()).toContain('<img src=x onerror=alert(1)>恒达')
    expect(row.find('img').exists()).toBe(false)
    expect(row.text()).toContain('逾期未办结')
    expect(row.text()).toContain('黄牌')
    // The chain heads are the annex, after the body and its 落款.
    const annex = w.get('[data-testid="report-chain"]')
    expect(annex.text()).toContain('附件')
    expect(annex.text()).toContain('beef')
    expect(annex.element.compareDocumentPosition(w.get('[data-testid="report-sign"]').element) & Node.DOCUMENT_POSITION_PRECEDING).toBeTruthy()
    // Laid out as sheets, each numbered; the annex on a sheet of its own (jsdom measures no
    // height, so the body fits one sheet: the heights' part is tests/paginate.test.ts).
    const sheets = w.findAll('[data-testid="bulletin-sheet"]')
    expect(sheets).toHaveLength(2)
    expect(w.get('[data-testid="report"]').attributes('data-sheets')).toBe('2')
    expect(sheets.map((s) => s.get('[data-testid="bulletin-page"]').text())).toEqual(['第 1 页 / 共 2 页', '第 2 页 / 共 2 页'])
    expect(sheets[1].find('[data-testid="report-chain"]').exists()).toBe(true)
    expect(sheets[0].find('[data-testid="report-chain"]').exists()).toBe(false)
    const printed: boolean[] = []
    window.print = () => printed.push(true)
    await w.get('[data-testid="report-print"]').trigger('click')
    expect(printed).toEqual([true])
    w.unmount()
  })

  it('is in the menu only with the report capability; import likewise', async () => {
    shell(() => null)
    const w = mount(AppLayout, { global: { plugins: [ElementPlus, i18n, router()] } })
    await flushPromises()
    const navs = w.findAll('nav a').map((a) => a.attributes('data-testid'))
    expect(navs).toContain('nav-report')
    expect(navs).toContain('nav-import')
    expect(navs).toContain('nav-monitoring')
    expect(navs).toContain('nav-projects')
    w.unmount()
    app.session = session({ handle: true })
    const v = mount(AppLayout, { global: { plugins: [ElementPlus, i18n, router()] } })
    await flushPromises()
    const none = v.findAll('nav a').map((a) => a.attributes('data-testid'))
    expect(none).not.toContain('nav-report')
    expect(none).not.toContain('nav-import')
    // 监测 and 项目 are for townships, the office and leaders, not a department.
    expect(none).not.toContain('nav-monitoring')
    expect(none).not.toContain('nav-projects')
    v.unmount()
  })
})

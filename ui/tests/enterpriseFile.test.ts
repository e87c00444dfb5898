// 一企一档 (the enterprise page): one read from Rust, shown as it came; the monthly figures laid
// out one line a month with the ledger's 同比; a township refused another township's enterprise
// sees the reason in Chinese.
import { afterEach, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { EnterpriseFile } from '../src/bindings/EnterpriseFile'
import type { FileMonitoring } from '../src/bindings/FileMonitoring'
import { i18n, setLocale } from '../src/i18n'
import { enterprisePath, figureLines } from '../src/logic/enterprise'
import { formatAmount, formatPercent } from '../src/logic/monitoring'
import EnterpriseView from '../src/views/EnterpriseView.vue'

afterEach(() => clearMocks())

const fig = (key: string, value: number | null, yoy: number | null) => ({
  key, value, cumulative: null, last_year: null, last_year_cumulative: null, yoy, cumulative_yoy: null,
})

const monitoring: FileMonitoring = {
  indicators: [
    { key: 'gross_output', name: '工业总产值', unit: '万元', cumulative: true, may_be_negative: false },
    { key: 'electricity', name: '用电量', unit: '万千瓦时', cumulative: true, may_be_negative: false },
  ],
  months: [
    { month: { year: 2026, month: 3 }, reported: true, late: true, figures: [fig('gross_output', 90000, -10), fig('electricity', 1250, 2.5)], sales_rate: null },
    { month: { year: 2026, month: 2 }, reported: false, late: false, figures: [], sales_rate: null },
  ],
  production: [],
  warnings: [],
}

const file: EnterpriseFile = {
  enterprise: {
    id: 'e1', name: '示范区恒达精密机械有限公司', credit_code: '91350100M000100Y43', township_id: 'cg', industry: '机械', scale: 'above',
    key_level: 'district', address: '工业园区 1 号', contact: '陈经理', phone: '138', steward: '王干部', paired_leader: '赵副区长',
  },
  township_name: '城关街道',
  visits: [
    {
      visit: { id: 'v1', enterprise_id: 'e1', township_id: 'cg', date: '2026-03-02', visitors: '张三、王五', form: 'on_site', notes: '了解二期' },
      problems: [{ problem_id: 'p1', number: '2026-城关-0001', description: '流动资金紧张', status: 'registered' }],
    },
  ],
  problems: [],
  problems_total: 0,
  monitoring,
}

it('lays out each month with the ledger’s figures and 同比, an unreported month blank', () => {
  const lines = figureLines(monitoring, formatAmount, formatPercent)
  expect(lines.map((l) => l.month)).toEqual(['2026-03', '2026-02'])
  expect(lines[0].cells).toEqual([
    { value: '900', yoy: '-10.00%', down: true },
    { value: '12.5', yoy: '+2.50%', down: false },
  ])
  expect(lines[1].cells.map((c) => c.value)).toEqual(['—', '—'])
  expect(enterprisePath('e 1')).toBe('/app/enterprise/e%201')
})

function router() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<div/>' } },
      { path: '/app/problem/:id', name: 'problem', component: { template: '<div/>' } },
    ],
  })
}

it('shows the profile, the visits with what each raised, and a key enterprise’s months', async () => {
  setLocale('zh-CN')
  const asked: unknown[] = []
  mockIPC((cmd, args) => {
    if (cmd === 'enterprise_file') {
      asked.push(args)
      return file
    }
    return []
  })
  const w = mount(EnterpriseView, { props: { id: 'e1' }, global: { plugins: [ElementPlus, i18n, router()] } })
  await flushPromises()
  expect(asked).toEqual([{ id: 'e1' }])
  expect(w.get('[data-testid="enterprise-title"]').text()).toBe('示范区恒达精密机械有限公司')
  const profile = w.get('[data-testid="enterprise-profile"]').text()
  expect(profile).toContain('城关街道')
  expect(profile).toContain('赵副区长')
  expect(profile).toContain('区级重点')
  const visit = w.get('[data-testid="enterprise-visit-2026-03-02"]').text()
  expect(visit).toContain('2026-城关-0001')
  expect(visit).toContain('流动资金紧张')
  expect(w.get('[data-testid="enterprise-month-2026-03"]').text()).toContain('-10.00%')
  expect(w.get('[data-testid="enterprise-month-2026-02"]').text()).toContain('未报')
})

it('says in Chinese why another township’s enterprise is not shown', async () => {
  setLocale('zh-CN')
  mockIPC((cmd) => {
    if (cmd === 'enterprise_file') throw { code: 'enterprise.wrong_township', message: 'wrong township', params: {} }
    return []
  })
  const w = mount(EnterpriseView, { props: { id: 'e2' }, global: { plugins: [ElementPlus, i18n, router()] } })
  await flushPromises()
  expect(w.get('[data-testid="enterprise-error"]').text()).toContain('该企业属于其他镇街')
})

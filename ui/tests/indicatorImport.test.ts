// Importing an indicator sheet from the 监测 page (docs/monitoring.md): the preview's issues
// read in Chinese with their rows, nothing can be recorded while one is an error, and the
// commit sends the sheet with the month the user chose.
import { afterEach, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'

import type { IndicatorImportPreview } from '../src/bindings/IndicatorImportPreview'
import IndicatorImport from '../src/components/monitoring/IndicatorImport.vue'
import { i18n, setLocale } from '../src/i18n'

afterEach(() => clearMocks())

function preview(withError: boolean): IndicatorImportPreview {
  return {
    file: '/data/3月报表.xlsx',
    sheet: 'Sheet1',
    sheets: ['Sheet1'],
    header_rows: [3, 4],
    month: { year: 2026, month: 3 },
    month_source: 'title',
    columns: [],
    rows_read: 2,
    rows: [{ row: 5, enterprise_id: 'e1', enterprise_name: '恒达机械', entries: [{ key: 'gross_output', value: 100000, cumulative: null, last_year: null }] }],
    skipped: [],
    issues: withError
      ? [{ row: 6, column: 'A', value: '五金店', code: 'monitoring.not_key_enterprise', params: { enterprise: '五金店' }, severity: 'error' }]
      : [],
    can_commit: !withError,
    file_sha256: 'x',
  }
}

it('previews with the reasons in Chinese and commits only a clean sheet, with the chosen month', async () => {
  setLocale('zh-CN')
  let clean = false
  const calls: { cmd: string; args: Record<string, unknown> }[] = []
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> })
    if (cmd === 'plugin:dialog|open') return '/data/3月报表.xlsx'
    if (cmd === 'indicator_import_preview') return preview(!clean)
    if (cmd === 'indicator_import_commit') return { preview: preview(false), events: 1 }
    return null
  })
  const w = mount(IndicatorImport, {
    props: { month: { year: 2026, month: 3 } },
    global: { plugins: [ElementPlus, i18n] },
    attachTo: document.body,
  })
  await w.get('[data-testid="indicator-import"]').trigger('click')
  await flushPromises()
  const dialog = document.body.querySelector('[data-testid="indicator-import-dialog"]')
  expect(dialog?.textContent).toContain('五金店 不是重点企业')
  const commit = () => document.body.querySelector<HTMLButtonElement>('[data-testid="indicator-import-commit"]')
  expect(commit()?.disabled).toBe(true)

  // The sheet corrected; the month the user chose instead of the title's.
  clean = true
  document.body.querySelector<HTMLInputElement>('[data-testid="indicator-import-use-month"] input')?.click()
  await flushPromises()
  expect(commit()?.disabled).toBe(false)
  commit()?.click()
  await flushPromises()
  const sent = calls.find((c) => c.cmd === 'indicator_import_commit')
  expect(sent?.args).toMatchObject({ path: '/data/3月报表.xlsx', options: { sheet: null, month: { year: 2026, month: 3 } } })
  expect(w.emitted('imported')).toHaveLength(1)
  w.unmount()
})

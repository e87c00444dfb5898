// A township imports its own visit sheet from the 走访 page (docs/import.md): each row shows
// what the planner decided and its reasons in Chinese; 导入 stays off while any row has an
// error (or nothing is new), and the commit sends the same path as the preview.
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'

import type { VisitImportPreview } from '../src/bindings/VisitImportPreview'
import VisitImport from '../src/components/VisitImport.vue'
import { i18n, setLocale } from '../src/i18n'
import { issuesByRow, resultTag, sheetIssues, worthImporting } from '../src/logic/visitImport'

afterEach(() => clearMocks())

function preview(withError: boolean): VisitImportPreview {
  return {
    file: '走访记录.xlsx',
    sheet: 'Sheet1',
    sheets: ['Sheet1'],
    header_row: 2,
    columns: [],
    unimported: [],
    categories: [],
    rows_read: 3,
    rows: [
      { row: 3, enterprise_id: 'e1', enterprise_name: '恒达机械', date: '2026-03-02', visitors: '张三', form: 'on_site', visit: 1, description: '流动资金紧张', category: '融资', result: 'visit_and_problem' },
      { row: 4, enterprise_id: 'e1', enterprise_name: '恒达机械', date: '2026-03-02', visitors: '张三', form: 'on_site', visit: 1, description: '用地', category: '用地', result: 'problem' },
      withError
        ? { row: 5, enterprise_id: null, enterprise_name: '西山新材料', date: '2026-03-03', visitors: '张三', form: 'on_site', visit: null, description: '', category: null, result: 'error' }
        : { row: 5, enterprise_id: 'e1', enterprise_name: '恒达机械', date: '2026-03-16', visitors: '张三', form: 'phone', visit: 2, description: '', category: null, result: 'visit' },
    ],
    visits_new: withError ? 1 : 2,
    visits_known: 0,
    problems_new: 2,
    problems_known: 0,
    skipped: [{ row: 6, reason: 'example', detail: '示例：某某公司' }],
    issues: withError
      ? [
          { row: 5, column: '企业名称', value: '西山新材料', code: 'import.visits.other_township', severity: 'error' },
          { row: 5, column: '走访方式', value: '书面', code: 'import.visits.bad_form', severity: 'warning' },
        ]
      : [],
    can_commit: !withError,
    file_sha256: 'x',
  }
}

describe('visit import logic', () => {
  it('groups issues by row and keeps the sheet-level ones apart', () => {
    const p = preview(true)
    p.issues.push({ row: 2, column: '', value: 'visitors', code: 'import.missing_column', severity: 'error' })
    expect(issuesByRow(p.issues).get(5)?.map((i) => i.code)).toEqual(['import.visits.other_township', 'import.visits.bad_form'])
    expect(sheetIssues(p).map((i) => i.code)).toEqual(['import.missing_column'])
  })

  it('imports only a clean sheet with something new', () => {
    expect(worthImporting(preview(true))).toBe(false)
    expect(worthImporting(preview(false))).toBe(true)
    expect(worthImporting({ ...preview(false), visits_new: 0, problems_new: 0 })).toBe(false)
    expect(worthImporting(null)).toBe(false)
    expect(resultTag('error').type).toBe('danger')
    expect(resultTag('already_there').key).toBe('visitImport.result.alreadyThere')
  })
})

it('previews a typed path with each row in Chinese and commits only a clean sheet', async () => {
  setLocale('zh-CN')
  let clean = false
  const calls: { cmd: string; args: Record<string, unknown> }[] = []
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> })
    if (cmd === 'visit_import_preview') return preview(!clean)
    if (cmd === 'visit_import_commit') return { preview: preview(false), events: 4 }
    return null
  })
  const w = mount(VisitImport, { global: { plugins: [ElementPlus, i18n] }, attachTo: document.body })
  await w.get('[data-testid="visit-import"]').trigger('click')
  await flushPromises()
  // Element Plus puts the test id on the <input> itself.
  const field = document.body.querySelector<HTMLElement>('[data-testid="visit-import-path"]')
  const input = field instanceof HTMLInputElement ? field : field?.querySelector('input')
  if (!input) throw new Error('no path field')
  input.value = '/data/走访记录.xlsx'
  input.dispatchEvent(new Event('input'))
  document.body.querySelector<HTMLButtonElement>('[data-testid="visit-import-preview"]')?.click()
  await flushPromises()
  const dialog = () => document.body.querySelector('[data-testid="visit-import-dialog"]')?.textContent ?? ''
  expect(dialog()).toContain('该企业属于其他镇街，只能导入本镇街企业的走访记录')
  expect(dialog()).toContain('无法识别的走访方式，按实地走访记录')
  expect(dialog()).toContain('记录走访并登记问题')
  expect(dialog()).toContain('模板中的示例行')
  expect(dialog()).toContain('有 1 处错误，整张表不能导入')
  const commit = () => document.body.querySelector<HTMLButtonElement>('[data-testid="visit-import-commit"]')
  expect(commit()?.disabled).toBe(true)

  clean = true
  document.body.querySelector<HTMLButtonElement>('[data-testid="visit-import-preview"]')?.click()
  await flushPromises()
  expect(dialog()).toContain('新走访 2 次')
  expect(commit()?.disabled).toBe(false)
  commit()?.click()
  await flushPromises()
  const sent = calls.find((c) => c.cmd === 'visit_import_commit')
  expect(sent?.args).toMatchObject({ path: '/data/走访记录.xlsx', options: { sheet: null, columns: [], categories: [] } })
  expect(w.emitted('imported')).toHaveLength(1)
  w.unmount()
})

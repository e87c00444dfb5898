// Printed documents: issuing what is missing one by one, the print view laid out from the
// ledger's bodies (labels from the catalogue, the issuing line once), refusals in words.
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Command } from '../src/bindings/Command'
import type { DocumentBody } from '../src/bindings/DocumentBody'
import type { ProblemDocument } from '../src/bindings/ProblemDocument'
import { errorText, i18n, label, setLocale } from '../src/i18n'
import { documentDate, idsOf, issueMissing, issuingLine, plan, printRoute, rowValue } from '../src/logic/documents'
import { paperHref } from '../src/logic/pageStyle'
import PrintView from '../src/views/PrintView.vue'

afterEach(() => clearMocks())

function body(number: string, problem: string): DocumentBody {
  return {
    kind: 'assignment_notice',
    number,
    district: '示范区',
    issuer: '示范区企业服务年办公室',
    issued_on: '2026-03-03',
    problem_id: `id-${problem}`,
    problem_number: problem,
    addressee: '工业和信息化局',
    copy_to: ['自然资源局', '人社局'],
    rows: [
      { field: 'enterprise', value: '恒达精密机械有限公司', label_section: null },
      { field: 'priority', value: 'urgent', label_section: 'priority' },
      { field: 'handling_deadline', value: '2026-03-24', label_section: null },
    ],
  }
}

const doc = (problem: string, number: string | null): ProblemDocument => ({
  problem_id: `id-${problem}`,
  problem_number: problem,
  document: number ? body(number, problem) : null,
})

describe('issuing the missing documents', () => {
  it('issues only what is missing, one at a time, names what could not be, and reads them again', async () => {
    setLocale('zh-CN')
    const issued = new Set<string>(['id-A'])
    const executed: Command[] = []
    let running = 0
    const api = {
      documents: async (ids: string[]) => ids.map((id) => doc(id.slice(3), issued.has(id) ? `企服办交〔2026〕${id}号` : null)),
      execute: async (c: Command) => {
        running += 1
        expect(running).toBe(1)
        await Promise.resolve()
        running -= 1
        executed.push(c)
        const id = (c as { problem_id: string }).problem_id
        if (id === 'id-C') throw { code: 'document.not_due', message: 'x', params: { kind: 'assignment_notice' } }
        issued.add(id)
      },
    }
    const r = await issueMissing(['id-A', 'id-B', 'id-C'], 'assignment_notice', api, errorText)
    expect(executed).toEqual([
      { action: 'issue_document', problem_id: 'id-B', kind: 'assignment_notice' },
      { action: 'issue_document', problem_id: 'id-C', kind: 'assignment_notice' },
    ])
    expect(plan(r.docs).ready.map((d) => d.problem_id)).toEqual(['id-A', 'id-B'])
    expect(r.failed).toHaveLength(1)
    expect(r.failed[0]?.number).toBe('C')
    // In words, with the kind's label: no code, no key.
    expect(r.failed[0]?.message).toContain('交办通知书')
    expect(r.failed[0]?.message).not.toMatch(/not_due|assignment_notice/)
  })

  it('issues nothing and reads once when everything is issued', async () => {
    let reads = 0
    const api = {
      documents: async () => {
        reads += 1
        return [doc('A', '1号')]
      },
      execute: async () => {
        throw new Error('nothing to issue')
      },
    }
    expect((await issueMissing(['id-A'], 'assignment_notice', api, String)).failed).toEqual([])
    expect(reads).toBe(1)
  })
})

describe('document helpers', () => {
  it('routes, ids, dates, labelled values and the issuing line', () => {
    expect(printRoute('urge_notice', ['a', 'b'])).toEqual({ name: 'print', params: { kind: 'urge_notice' }, query: { ids: 'a,b' } })
    expect(idsOf('a, b,,c')).toEqual(['a', 'b', 'c'])
    expect(idsOf(['a', 'b'])).toEqual(['a', 'b'])
    expect(idsOf(undefined)).toEqual([])
    expect(documentDate('2026-03-02', 'zh-CN')).toBe('2026年3月2日')
    expect(documentDate('2026-03-02', 'en')).toBe('2026-03-02')
    setLocale('zh-CN')
    const value = (section: string, key: string) => label(section as 'priority', key)
    expect(rowValue({ field: 'priority', value: 'urgent', label_section: 'priority' }, value)).toBe('紧急')
    expect(rowValue({ field: 'enterprise', value: 'urgent', label_section: null }, value)).toBe('urgent')
    expect(issuingLine(body('1', 'A'))).toBe('示范区企业服务年办公室')
    expect(issuingLine({ ...body('1', 'A'), issuer: '企业服务年办公室' })).toBe('示范区企业服务年办公室')
    expect(paperHref('a4-portrait')).toBe('print/a4-portrait.css')
  })
})

describe('the print view', () => {
  it('lays out each issued document as its own sheet and lists the ones not issued', async () => {
    setLocale('zh-CN')
    let asked: unknown = null
    mockIPC((cmd, args) => {
      if (cmd === 'documents') {
        asked = args
        return [doc('2026-城关-0001', '示政企办交〔2026〕1号'), doc('2026-城关-0002', '示政企办交〔2026〕2号'), doc('2026-城关-0003', null)]
      }
      return null
    })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', name: 'home', component: { template: '<div/>' } },
        { path: '/print/:kind', name: 'print', component: PrintView, props: true },
      ],
    })
    await router.push(printRoute('assignment_notice', ['id-1', 'id-2', 'id-3']))
    const w = mount(PrintView, { props: { kind: 'assignment_notice' }, global: { plugins: [ElementPlus, i18n, router] } })
    await flushPromises()
    expect(asked).toEqual({ problems: ['id-1', 'id-2', 'id-3'], kind: 'assignment_notice' })
    const sheets = w.findAll('article.doc')
    expect(sheets).toHaveLength(2)
    const first = sheets[0]!
    expect(first.get('[data-testid="document-issuing"]').text()).toBe('示范区企业服务年办公室')
    expect(first.text()).toContain('交办通知书')
    expect(first.get('[data-testid="document-number"]').text()).toBe('示政企办交〔2026〕1号')
    expect(first.get('[data-testid="document-addressee"]').text()).toBe('工业和信息化局：')
    const fields = first.get('[data-testid="document-fields"]').text()
    expect(fields).toContain('企业名称')
    expect(fields).toContain('紧急程度紧急')
    expect(fields).toContain('办理时限2026-03-24')
    expect(first.get('[data-testid="document-date"]').text()).toBe('2026年3月3日')
    expect(first.get('[data-testid="document-copy"]').text()).toBe('抄送：自然资源局，人社局')
    expect(w.get('[data-testid="print-missing"]').text()).toContain('2026-城关-0003')
    // The A4 upright paper is linked while the view is open, and only then.
    expect(document.head.querySelector('link[data-paper="a4-portrait"]')).not.toBeNull()
    w.unmount()
    expect(document.head.querySelector('link[data-paper="a4-portrait"]')).toBeNull()
  })

  it('saves the documents as a PDF on A4 upright through the shell, and goes home when there is nothing to go back to', async () => {
    setLocale('zh-CN')
    const saved: unknown[] = []
    mockIPC((cmd, args) => {
      if (cmd === 'documents') return [doc('2026-城关-0001', '示政企办交〔2026〕1号')]
      if (cmd === 'save_pdf') {
        saved.push(args)
        return { rows: 1, path: (args as { path: string }).path, chain_heads: [] }
      }
      return null
    })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', name: 'home', component: { template: '<div/>' } },
        { path: '/p', name: 'problem', component: { template: '<div/>' } },
        { path: '/print/:kind', name: 'print', component: PrintView, props: true },
      ],
    })
    await router.push('/p')
    await router.push(printRoute('assignment_notice', ['id-1']))
    const w = mount(PrintView, { props: { kind: 'assignment_notice' }, global: { plugins: [ElementPlus, i18n, router] }, attachTo: document.body })
    await flushPromises()
    await w.get('[data-testid="print-pdf"]').trigger('click')
    await flushPromises()
    const input = document.querySelector('[data-testid="export-path"]') as HTMLInputElement
    input.value = '/tmp/交办通知书'
    input.dispatchEvent(new Event('input'))
    await flushPromises()
    ;(document.querySelector('[data-testid="export-start"]') as HTMLElement).click()
    await flushPromises()
    expect(saved).toEqual([{ path: '/tmp/交办通知书.pdf', paper: 'a4-portrait', overwrite: false }])
    expect(document.querySelector('[data-testid="export-result"]')?.textContent).toContain('已存为 PDF，共 1 页')
    ;(document.querySelector('[data-testid="export-close"]') as HTMLElement).click()
    await flushPromises()
    await w.get('[data-testid="print-back"]').trigger('click')
    await flushPromises()
    // The window opened on this page (no history behind it): 返回 goes home.
    expect(window.history.length).toBe(1)
    expect(router.currentRoute.value.name).toBe('home')
    w.unmount()
    document.body.innerHTML = ''
  })
})

// The one progress component of long work (TaskProgress): phases from the channel's messages,
// a percentage that moves, the modal dialog that stays up while the work runs, and the audit
// screen feeding it from a real Channel.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import type { Channel } from '@tauri-apps/api/core'

import type { Progress } from '../src/bindings/Progress'
import { i18n, setLocale } from '../src/i18n'
import { progressPhase, progressStage } from '../src/logic/progress'
import TaskProgress from '../src/components/TaskProgress.vue'
import AuditView from '../src/views/AuditView.vue'

const p = (stage: string, done: number, total: number): Progress => ({ stage, done, total })

beforeEach(() => setLocale('zh-CN'))
afterEach(() => {
  clearMocks()
  document.body.innerHTML = ''
})

describe('progress phases', () => {
  it('reads the phase from done and total', () => {
    expect(progressPhase(p('import', 0, 0))).toBe('start')
    expect(progressPhase(p('verify', 0, 200))).toBe('counting')
    expect(progressPhase(p('verify', 150, 200))).toBe('counting')
    expect(progressPhase(p('export', 200, 200))).toBe('end')
    // One step (a report) is no measure: it counts as not started until it is done.
    expect(progressPhase(p('report', 0, 1))).toBe('start')
    expect(progressPhase(p('report', 1, 1))).toBe('end')
  })

  it('knows the stages the shell reports and falls back for others', () => {
    for (const s of ['demo', 'import', 'export', 'report', 'verify', 'rebuild']) expect(progressStage(p(s, 0, 0))).toBe(s)
    expect(progressStage(p('x', 0, 0))).toBe('work')
  })

  it('has a sentence for every stage and phase in both languages', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      setLocale(locale)
      for (const s of ['demo', 'import', 'export', 'report', 'verify', 'rebuild', 'work']) {
        expect(i18n.global.te(`progress.title.${s}`)).toBe(true)
        for (const ph of ['start', 'counting', 'end']) expect(i18n.global.te(`progress.${s}.${ph}`), `${s}.${ph}`).toBe(true)
      }
    }
  })
})

describe('TaskProgress', () => {
  const mountIt = (props: Record<string, unknown>) =>
    mount(TaskProgress, { props: props as never, attrs: { 'data-testid': 'tp' }, global: { plugins: [ElementPlus, i18n] }, attachTo: document.body })

  it('inline: the percentage and the sentence follow the messages', async () => {
    const w = mountIt({ progress: p('verify', 0, 0) })
    const block = () => w.get('[data-testid="tp"]')
    expect(block().attributes('data-percent')).toBe('0')
    expect(block().text()).toContain('正在读取事件…')
    expect(block().find('.el-progress-bar__inner--indeterminate').exists()).toBe(true)

    await w.setProps({ progress: p('verify', 50, 200) })
    expect(block().attributes('data-percent')).toBe('25')
    expect(block().text()).toContain('正在校验：50 / 200 个事件')
    expect(block().find('.el-progress-bar__inner--indeterminate').exists()).toBe(false)
    expect(block().text()).toContain('25%')

    await w.setProps({ progress: p('verify', 150, 200) })
    expect(block().attributes('data-percent')).toBe('75')
    expect(block().text()).toContain('75%')

    await w.setProps({ progress: p('export', 200, 200) })
    expect(block().text()).toContain('正在保存文件…')

    await w.setProps({ finished: true })
    expect(block().attributes('data-percent')).toBe('100')
    expect(block().find('.el-progress').classes()).toContain('is-success')
    expect(block().find('[data-testid="progress-text"]').exists()).toBe(false)
    w.unmount()
  })

  it('inline: hidden while no work runs; red when the work failed', async () => {
    const w = mountIt({ progress: null })
    expect(w.find('[data-testid="tp"]').exists()).toBe(false)
    await w.setProps({ progress: p('import', 3, 10), failed: true })
    expect(w.get('[data-testid="tp"] .el-progress').classes()).toContain('is-exception')
    w.unmount()
  })

  it('dialog: modal, titled by the stage, cannot be closed under the work', async () => {
    const w = mountIt({ progress: p('rebuild', 10, 40), dialog: true })
    await flushPromises()
    const dialog = document.querySelector('[data-testid="progress-dialog"]') as HTMLElement
    expect(dialog).not.toBeNull()
    expect(dialog.textContent).toContain('重建投影')
    expect(dialog.textContent).toContain('正在重建：10 / 40 个事件')
    expect(dialog.querySelector('.el-dialog__headerbtn')).toBeNull()
    expect(document.querySelector('[data-testid="tp"]')?.getAttribute('data-percent')).toBe('25')
    setLocale('en')
    await flushPromises()
    expect(dialog.textContent).toContain('Rebuilding: 10 / 40 events')
    w.unmount()
  })
})

describe('audit screen', () => {
  it('shows the verification in a progress dialog that moves with the channel, then the result', async () => {
    let finish: (v: unknown) => void = () => {}
    let channel: Channel<unknown> | null = null
    mockIPC((cmd, args) => {
      expect(cmd).toBe('verify_chain')
      channel = (args as Record<string, unknown>).on_progress as Channel<unknown>
      return new Promise((resolve) => (finish = resolve))
    })
    const send = (index: number, done: number, total: number) =>
      (window as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, d: unknown) => void } }).__TAURI_INTERNALS__.runCallback(
        channel!.id,
        { index, message: { stage: 'verify', done, total } },
      )
    const w = mount(AuditView, { global: { plugins: [ElementPlus, i18n] }, attachTo: document.body })
    await w.get('[data-testid="audit-verify"]').trigger('click')
    await flushPromises()
    const percent = () => document.querySelector('[data-testid="audit-progress"]')?.getAttribute('data-percent')
    expect(document.querySelector('[data-testid="progress-dialog"]')?.textContent).toContain('正在读取事件…')
    send(0, 0, 1000)
    await flushPromises()
    expect(percent()).toBe('0')
    send(1, 400, 1000)
    await flushPromises()
    expect(percent()).toBe('40')
    send(2, 1000, 1000)
    await flushPromises()
    expect(percent()).toBe('100')
    finish({ ok: true, events: 1000, chains: [{ device_id: 'd1', events: 1000, head_hash: 'ab' }], first_break: null, attachments: [] })
    await flushPromises()
    expect(document.querySelector('[data-testid="audit-progress"]')?.getAttribute('data-percent') ?? '0').toBe('0')
    expect(w.get('[data-testid="audit-result"]').attributes('data-ok')).toBe('true')
    w.unmount()
  })
})

describe('audit screen with attachments', () => {
  it('names a missing or altered attachment in words when the chain itself holds', async () => {
    setLocale('zh-CN')
    mockIPC(() => ({
      ok: false,
      events: 12,
      chains: [{ device_id: 'd1', events: 12, head_hash: 'ab' }],
      first_break: null,
      attachments: [
        { code: 'attachment.altered', sha256: 'a'.repeat(64), name: '现场.png', event_id: 'e7' },
        { code: 'attachment.missing', sha256: 'b'.repeat(64), name: '回执.pdf', event_id: 'e9' },
      ],
    }))
    const w = mount(AuditView, { global: { plugins: [ElementPlus, i18n] }, attachTo: document.body })
    await w.get('[data-testid="audit-verify"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="audit-result"]').attributes('data-ok')).toBe('false')
    expect(w.get('[data-testid="audit-result"]').text()).toContain('哈希链完整，但有 2 个附件缺失或被改动')
    const list = w.get('[data-testid="audit-attachments"]').text()
    expect(list).toContain('附件“现场.png”')
    expect(list).toContain('已被改动')
    expect(list).toContain('附件“回执.pdf”')
    w.unmount()
  })
})

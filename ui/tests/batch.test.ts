// Acting on several queue items at once: each its own command, refusals named per item.
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Command } from '../src/bindings/Command'
import type { ProblemRow } from '../src/bindings/ProblemRow'
import { i18n, setLocale } from '../src/i18n'
import { runEach } from '../src/logic/batch'
import InboxView from '../src/views/InboxView.vue'

afterEach(() => clearMocks())

function row(number: string): ProblemRow {
  return {
    id: `id-${number}`, number, enterprise_name: '恒达机械', township_name: '城关街道', category: '用地', priority: 'normal',
    status: 'assigned', description: '用地手续', demand: '', waiting_days: null, lead_unit_name: '工信局', responsible_leader: '', handler: null, evaluated: false,
    supporter_names: [], registered_on: '2026-03-01', sign_deadline: '2026-03-03', handling_deadline: '2026-03-20',
    extension_pending: false, withdrawal_pending: false, reopen_count: 0, sync_pending: 0,
    lateness: { sign_overdue: false, handling_overdue: false, days_overdue: 0, days_left: 8, level: 'none' },
  }
}

const sign = (problem_id: string): Command => ({ action: 'sign', problem_id, handler: '' })

describe('runEach', () => {
  it('runs every item in order, one at a time, and names each refusal', async () => {
    const seen: string[] = []
    let running = 0
    const execute = async (c: Command) => {
      running += 1
      expect(running).toBe(1)
      await Promise.resolve()
      running -= 1
      const id = (c as { problem_id: string }).problem_id
      seen.push(id)
      if (id === 'p2') throw { code: 'workflow.invalid_state', message: 'already signed' }
    }
    const r = await runEach(
      [
        { number: '2026-城关-0001', command: sign('p1') },
        { number: '2026-城关-0002', command: sign('p2') },
        { number: '2026-城关-0003', command: sign('p3') },
      ],
      execute,
      (e) => `拒绝：${(e as { code: string }).code}`,
    )
    expect(seen).toEqual(['p1', 'p2', 'p3'])
    expect(r).toEqual({ done: 2, failed: [{ number: '2026-城关-0002', message: '拒绝：workflow.invalid_state' }] })
  })

  it('reports nothing done for an empty selection', async () => {
    expect(await runEach([], async () => {}, String)).toEqual({ done: 0, failed: [] })
  })
})

describe('批量签收 in the inbox', () => {
  it('signs each selected item on its own with the one handler, and lists the refused one in words', async () => {
    setLocale('zh-CN')
    const to_sign = [row('2026-城关-0001'), row('2026-城关-0002')]
    const executed: unknown[] = []
    mockIPC((cmd, args) => {
      if (cmd === 'inbox') return { unit_id: 'gx', to_sign, to_handle: [], supporter_tasks: [], due_soon: [], overdue: [] }
      if (cmd === 'execute') {
        const c = (args as { command: { problem_id: string } }).command
        executed.push(c)
        if (c.problem_id === 'id-2026-城关-0002') throw { code: 'workflow.invalid_state', message: 'x', params: { action: 'sign', status: 'in_progress' } }
        return []
      }
      return null
    })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div/>' } }, { path: '/p/:id', name: 'problem', component: { template: '<div/>' } }] })
    const w = mount(InboxView, { global: { plugins: [ElementPlus, i18n, router] }, attachTo: document.body })
    await flushPromises()
    expect(w.get('[data-testid="bulk-sign"]').attributes('disabled')).toBeDefined()
    await w.get('thead .sel input').setValue(true)
    await w.get('[data-testid="bulk-sign"]').trigger('click')
    await flushPromises()
    const dialog = document.querySelector('[data-testid="batch-sign-dialog"]') as HTMLElement
    expect(dialog.textContent).toContain('批量签收 2 个问题')
    const marked = dialog.querySelector('[data-testid="batch-field"]') as HTMLElement
    const field = (marked.tagName === 'INPUT' ? marked : marked.querySelector('input')) as HTMLInputElement
    field.value = '李四'
    field.dispatchEvent(new Event('input'))
    ;(dialog.querySelector('[data-testid="batch-submit"]') as HTMLElement).click()
    await flushPromises()
    expect(executed).toEqual([
      { action: 'sign', problem_id: 'id-2026-城关-0001', handler: '李四' },
      { action: 'sign', problem_id: 'id-2026-城关-0002', handler: '李四' },
    ])
    expect(dialog.querySelector('[data-testid="batch-summary"]')?.textContent).toContain('已签收 1 件')
    // The selection is cleared once done; the title still says what was asked.
    expect(dialog.textContent).toContain('批量签收 2 个问题')
    const failed = dialog.querySelector('[data-testid="batch-failed"]')?.textContent ?? ''
    expect(failed).toContain('1 件未能办理')
    expect(failed).toContain('2026-城关-0002')
    expect(failed).not.toMatch(/invalid_state|sign\b/)
    w.unmount()
  })
})

// The 督办中心 on a mocked shell: every tab's count from one counts read, and only the shown
// tab's rows, a page at a time (a queue of a large ledger holds thousands).
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { ConsoleCounts } from '../src/bindings/ConsoleCounts'
import type { ProblemRow } from '../src/bindings/ProblemRow'
import { i18n, setLocale } from '../src/i18n'
import { app } from '../src/stores/app'
import ConsoleView from '../src/views/ConsoleView.vue'

afterEach(() => {
  clearMocks()
  app.session = null
})

const counts: ConsoleCounts = { to_assign: 120, disputed: 2, extension_requests: 0, overdue: 7, ready_to_close: 0, withdrawal_requests: 1 }

function row(n: number): ProblemRow {
  const number = `2026-城关-${String(n).padStart(4, '0')}`
  return {
    id: `p${n}`, number, enterprise_name: '恒达机械', township_name: '城关街道', category: '用地', priority: 'normal',
    status: 'registered', description: '用地手续', demand: '协调用地', waiting_days: 3, lead_unit_name: null, responsible_leader: '',
    handler: null, evaluated: false, supporter_names: [], registered_on: '2026-03-01', sign_deadline: null, handling_deadline: null,
    extension_pending: false, withdrawal_pending: false, reopen_count: 0, sync_pending: 0,
    lateness: { sign_overdue: false, handling_overdue: false, days_overdue: 0, days_left: null, level: 'none' },
  }
}

/** The shell: the counts, and a tab's page of its own rows (numbered from the tab's first). */
function shell() {
  const calls: { cmd: string; args: Record<string, unknown> }[] = []
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>
    calls.push({ cmd, args: a })
    if (cmd === 'office_console_counts') return counts
    if (cmd === 'office_console_page') {
      const tab = a.tab as keyof ConsoleCounts
      const { offset, limit } = a.page as { offset: number; limit: number }
      const first = tab === 'to_assign' ? 1 : 1000
      const n = Math.max(0, Math.min(limit, counts[tab] - offset))
      return { total: counts[tab], offset, rows: Array.from({ length: n }, (_, i) => row(first + offset + i)) }
    }
    if (cmd === 'row_actions') return []
    throw { code: 'test.unexpected', message: `unexpected ${cmd}`, params: {} }
  })
  return calls
}

function lastPage(calls: { cmd: string; args: Record<string, unknown> }[]) {
  const pages = calls.filter((c) => c.cmd === 'office_console_page')
  return pages[pages.length - 1]?.args
}

function router() {
  return createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div/>' } }] })
}

describe('the 督办中心', () => {
  it("counts every tab and reads the shown tab's first page only", async () => {
    setLocale('zh-CN')
    const calls = shell()
    const w = mount(ConsoleView, { global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    expect(w.get('[data-testid="console-tab-to_assign"]').text()).toContain('（120）')
    expect(w.get('[data-testid="console-tab-overdue"]').text()).toContain('（7）')
    expect(w.get('[data-testid="console-tab-extension_requests"]').text()).toContain('（0）')
    const pages = calls.filter((c) => c.cmd === 'office_console_page')
    expect(pages.map((c) => c.args)).toEqual([{ tab: 'to_assign', page: { offset: 0, limit: 50 } }])
    expect(w.findAll('[data-testid^="console-row-"]')).toHaveLength(50)
    expect(w.find('[data-testid="console-row-2026-城关-0001"]').exists()).toBe(true)
    expect(w.get('[data-testid="console-total"]').text()).toContain('120')

    // The next page: rows 51–100 of the same tab.
    await w.get('[data-testid="console-pager"] .btn-next').trigger('click')
    await flushPromises()
    expect(lastPage(calls)).toEqual({
      tab: 'to_assign',
      page: { offset: 50, limit: 50 },
    })
    expect(w.find('[data-testid="console-row-2026-城关-0051"]').exists()).toBe(true)
    expect(w.find('[data-testid="console-row-2026-城关-0001"]').exists()).toBe(false)

    // Another tab starts at its first page, with its own rows.
    await w.get('[data-testid="console-tab-overdue"] input').setValue(true)
    await flushPromises()
    expect(lastPage(calls)).toEqual({
      tab: 'overdue',
      page: { offset: 0, limit: 50 },
    })
    expect(w.findAll('[data-testid^="console-row-"]')).toHaveLength(7)
    expect(calls.filter((c) => c.cmd === 'office_console_counts')).toHaveLength(1)
    w.unmount()
  })
})

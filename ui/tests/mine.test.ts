// 我的事项 (docs/monitoring.md, "The three levels"): a leader's problems, 批示件, and the key
// enterprises and projects paired with them, with how each stands.
import { afterEach, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { LeaderItems } from '../src/bindings/LeaderItems'
import { i18n, setLocale } from '../src/i18n'
import MineView from '../src/views/MineView.vue'

afterEach(() => clearMocks())

const items: LeaderItems = {
  leader: '孙区长',
  responsible: [],
  instructed: [
    {
      id: 'p1', number: '2026-城关-0001', enterprise_name: '恒达机械', township_name: '城关街道', category: '用地', priority: 'normal',
      status: 'in_progress', description: '用地', demand: '', waiting_days: null, lead_unit_name: '自然资源局', responsible_leader: '孙区长', handler: '赵科长', evaluated: false,
      supporter_names: [], registered_on: '2026-03-01', sign_deadline: null, handling_deadline: '2026-04-01', extension_pending: false,
      withdrawal_pending: false, reopen_count: 0, sync_pending: 0,
      lateness: { sign_overdue: false, handling_overdue: false, days_overdue: 0, days_left: 5, level: 'none' },
    },
  ],
  enterprises: [
    {
      enterprise: { enterprise_id: 'e1', name: '恒达机械', township_id: 'cg', township_name: '城关街道', key_level: 'district', paired_leader: '孙区长', steward: '李干部' },
      open_warnings: 2, top_level: 'red', last_visit: null, open_problems: 1,
    },
  ],
  projects: [],
}

it('lists a leader’s 批示件 and paired enterprises with their warnings and last visit', async () => {
  setLocale('zh-CN')
  mockIPC((cmd) => (cmd === 'leader_items' ? items : null))
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div/>' } }, { path: '/p/:id', name: 'problem', component: { template: '<div/>' } }] })
  const w = mount(MineView, { global: { plugins: [ElementPlus, i18n, router] } })
  await flushPromises()
  expect(w.text()).toContain('孙区长')
  expect(w.get('[data-testid="mine-instructed"]').text()).toContain('我的批示件（1）')
  expect(w.get('[data-testid="mine-instructed-2026-城关-0001"]').text()).toContain('赵科长')
  const e = w.get('[data-testid="mine-enterprise-恒达机械"]').text()
  for (const s of ['城关街道', '区级重点', '李干部', '红色 2', '从未走访']) expect(e).toContain(s)
  expect(w.find('[data-testid="mine-responsible"]').exists()).toBe(false)
  w.unmount()
})

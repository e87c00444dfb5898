// Key enterprises overdue for a visit on the 走访 page (docs/monitoring.md, "Pairing"), against a
// mocked shell: the list as the shell gives it, in words; nothing due says so.
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'

import UnvisitedPanel from '../src/components/UnvisitedPanel.vue'
import { i18n, setLocale } from '../src/i18n'

afterEach(() => clearMocks())

describe('key enterprises overdue for a visit', () => {
  it('lists what the shell gives, with the days and the frequency in words', async () => {
    setLocale('zh-CN')
    mockIPC((cmd) => {
      if (cmd !== 'unvisited_key_enterprises') throw { code: 'test.unexpected', message: cmd, params: {} }
      return [
        {
          enterprise_id: 'e1', name: '城关重点企业', township_id: 't1', township_name: '城关街道', key_level: 'district',
          steward: '李干部', paired_leader: '王副区长', last_visit: null, overdue: { days_since: 31, limit_days: 30 },
        },
      ]
    })
    const w = mount(UnvisitedPanel, { global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()
    expect(w.text()).toContain('超期未走访的重点企业（1 家）')
    const row = w.get('[data-testid="unvisited-城关重点企业"]').text()
    expect(row).toContain('区级重点')
    expect(row).toContain('李干部')
    expect(row).toContain('王副区长')
    expect(row).toContain('从未走访')
    expect(row).toContain('31 天（应每 30 天）')
    w.unmount()
  })

  it('says when every key enterprise was visited in time', async () => {
    setLocale('zh-CN')
    mockIPC(() => [])
    const w = mount(UnvisitedPanel, { global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()
    expect(w.get('[data-testid="unvisited-none"]').text()).toBe('重点企业均已按期走访。')
    w.unmount()
  })
})

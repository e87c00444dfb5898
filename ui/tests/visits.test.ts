// The 走访 list against a mocked shell: it shows the page the shell gives (the shell scopes it
// and orders it), the count of all of them, and asks for the next page when turned; it never
// reads the whole district's visits. (The app gives Element Plus its Chinese texts through
// App.vue's config provider; here the plugin gets them.)
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import VisitsView from '../src/views/VisitsView.vue'
import { i18n, setLocale } from '../src/i18n'

afterEach(() => clearMocks())

const visit = (n: number) => ({
  id: `v${n}`, enterprise_id: 'e1', township_id: 't1', date: '2026-12-01', visitors: `走访人${n}`, form: 'on_site', notes: '',
})

describe('the visit list', () => {
  it('shows a page of what the shell gives and asks for the next', async () => {
    setLocale('zh-CN')
    const asked: unknown[] = []
    let enterpriseReads = 0
    mockIPC((cmd, args) => {
      if (cmd === 'visit_page') {
        const page = (args as { page: { offset: number; limit: number } }).page
        asked.push(page)
        const rows = Array.from({ length: Math.min(page.limit, 120 - page.offset) }, (_, i) => visit(page.offset + i))
        return { total: 120, offset: page.offset, rows }
      }
      if (cmd === 'list_enterprises') {
        enterpriseReads += 1
        return [{ id: 'e1', name: '城关甲公司', township_id: 't1' }]
      }
      if (cmd === 'unvisited_key_enterprises') return []
      throw { code: 'test.unexpected', message: cmd, params: {} }
    })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div/>' } }] })
    const w = mount(VisitsView, { global: { plugins: [[ElementPlus, { locale: zhCn }], i18n, router] } })
    await flushPromises()
    expect(asked).toEqual([{ offset: 0, limit: 50 }])
    expect(w.findAll('[data-testid="visit-table"] tbody tr')).toHaveLength(50)
    expect(w.text()).toContain('走访人0')
    expect(w.text()).toContain('共 120 条')
    await w.get('.pager .btn-next').trigger('click')
    await flushPromises()
    expect(asked).toEqual([{ offset: 0, limit: 50 }, { offset: 50, limit: 50 }])
    expect(w.text()).toContain('走访人50')
    expect(w.text()).not.toContain('走访人49')
    expect(enterpriseReads).toBe(1)
    w.unmount()
  })
})

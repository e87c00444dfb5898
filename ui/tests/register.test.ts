// Faster township entry (issue 19): a visit just recorded carries its enterprise and itself
// into the registration, and 继续登记 keeps them for the next problem of the same visit.
import { afterEach, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Enterprise } from '../src/bindings/Enterprise'
import { i18n, setLocale } from '../src/i18n'
import { app } from '../src/stores/app'
import RegisterView from '../src/views/RegisterView.vue'

afterEach(() => {
  clearMocks()
  app.session = null
})

const ent: Enterprise = {
  id: 'e1', name: '恒达机械', credit_code: null, township_id: 'cg', industry: '机械', scale: 'above', key_level: 'district',
  address: '', contact: '', phone: '', steward: '', paired_leader: '',
}

it('goes from a recorded visit to registering its problems, and keeps the company and visit for the next one', async () => {
  setLocale('zh-CN')
  app.session = {
    user: { id: 'u1', login: 'cg', name: '张伟', unit_id: 'cg', unit_name: '城关街道', role: 'township', active: true, has_password: false },
    unit: { id: 'cg', name: '城关街道', short_name: '城关', kind: 'township', active: true },
    capabilities: { register: true, supervise: false, handle: false, administer: false, instruct: false, audit: false, import: false, report: false },
  }
  const commands: { action: string; visit_id?: string | null; enterprise_id?: string | null }[] = []
  let ids = 0
  mockIPC((cmd, args) => {
    if (cmd === 'new_id') return `id-${++ids}`
    if (cmd === 'search_enterprises') return [ent]
    if (cmd === 'enterprise_visits') {
      expect(args).toEqual({ enterprise_id: 'e1' })
      return [{ id: 'id-1', enterprise_id: 'e1', township_id: 'cg', date: '2026-12-07', visitors: '张伟', form: 'on_site', notes: '' }]
    }
    if (cmd === 'execute') {
      const c = (args as { command: (typeof commands)[number] }).command
      commands.push(c)
      return c.action === 'register' ? [{ kind: 'problem_registered', payload: { number: `2026-城关-000${commands.length}` } }] : []
    }
    return null
  })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div/>' } }, { path: '/p/:id', name: 'problem', component: { template: '<div/>' } }] })
  await router.push('/?tab=visit')
  const w = mount(RegisterView, { global: { plugins: [ElementPlus, i18n, router] } })
  await w.get('input[data-testid="visit-enterprise"]').setValue('恒达')
  await new Promise((r) => setTimeout(r, 250))
  await flushPromises()
  await w.get('[data-testid="visit-enterprise-option-0"]').trigger('click')
  await w.findAll('form')[1].trigger('submit')
  await flushPromises()
  expect(w.get('[data-testid="visit-saved"]').text()).toContain('已记录对“恒达机械”的走访')

  await w.get('[data-testid="visit-register-problem"]').trigger('click')
  await flushPromises()
  expect(w.get('[data-testid="reg-enterprise-chosen"]').text()).toContain('恒达机械')
  await w.findAll('form')[0].trigger('submit')
  await flushPromises()
  expect(commands[1]).toMatchObject({ action: 'register', enterprise_id: 'e1', visit_id: 'id-1' })

  // 继续登记: the same company and visit, the problem's own fields empty.
  await w.get('[data-testid="reg-again"]').trigger('click')
  await flushPromises()
  expect(w.get('[data-testid="reg-enterprise-chosen"]').text()).toContain('恒达机械')
  await w.findAll('form')[0].trigger('submit')
  await flushPromises()
  expect(commands[2]).toMatchObject({ action: 'register', enterprise_id: 'e1', visit_id: 'id-1' })
  w.unmount()
})

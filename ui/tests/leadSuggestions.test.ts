// Assigning offers the departments that usually lead the problem's category (issue 19): a
// click puts one in the lead field; nothing is chosen before it.
import { afterEach, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'

import AssignFields from '../src/components/AssignFields.vue'
import { i18n, setLocale } from '../src/i18n'
import { emptyAssignModel } from '../src/logic/assign'
import { app } from '../src/stores/app'

afterEach(() => clearMocks())

it('offers the usual leads of the category and sets one only when clicked', async () => {
  setLocale('zh-CN')
  app.units = [{ id: 'zr', name: '自然资源局', short_name: '资规', kind: 'department', active: true }]
  const asked: unknown[] = []
  mockIPC((cmd, args) => {
    if (cmd === 'lead_suggestions') {
      asked.push(args)
      return [{ unit_id: 'zr', unit_name: '自然资源局', count: 12 }]
    }
    return null
  })
  const model = emptyAssignModel(null)
  const w = mount(AssignFields, {
    props: { modelValue: model, 'onUpdate:modelValue': () => {}, category: '用地' },
    global: { plugins: [ElementPlus, i18n] },
  })
  await flushPromises()
  expect(asked).toEqual([{ category: '用地' }])
  expect(w.get('[data-testid="lead-suggestions"]').text()).toContain('“用地”类问题常由：')
  expect(w.get('[data-testid="lead-suggestion-zr"]').text()).toBe('自然资源局（12 件）')
  expect(model.lead_unit_id).toBe('')
  await w.get('[data-testid="lead-suggestion-zr"]').trigger('click')
  expect(model.lead_unit_id).toBe('zr')
  w.unmount()
})

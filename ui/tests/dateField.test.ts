import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'

import DateField from '../src/components/DateField.vue'
import { isFullDate } from '../src/logic/format'

describe('DateField', () => {
  it('puts the test id on the real input, and -from/-to on a range', async () => {
    const one = mount(DateField, { props: { modelValue: '2026-05-01', testid: 'field-new_deadline' }, global: { plugins: [ElementPlus] } })
    await flushPromises()
    const input = one.get('input[data-testid="field-new_deadline"]')
    expect((input.element as HTMLInputElement).value).toBe('2026-05-01')
    const range = mount(DateField, { props: { modelValue: null, range: true, testid: 'filter-deadline' }, global: { plugins: [ElementPlus] } })
    await flushPromises()
    expect(range.find('input[data-testid="filter-deadline-from"]').exists()).toBe(true)
    expect(range.find('input[data-testid="filter-deadline-to"]').exists()).toBe(true)
  })

  it('takes a complete typed date at once, and a required field keeps it when emptied', async () => {
    const w = mount(DateField, {
      props: { modelValue: '', testid: 'd', clearable: false, 'onUpdate:modelValue': (v: unknown) => w.setProps({ modelValue: v as string }) },
      global: { plugins: [ElementPlus] },
    })
    await flushPromises()
    const input = w.get('input[data-testid="d"]')
    const el = input.element as HTMLInputElement
    // Keystrokes fire `input` only; `change` comes on blur or Enter.
    el.value = '2026-05-0'
    await input.trigger('input')
    expect(w.props('modelValue')).toBe('')
    el.value = '2026-05-01'
    await input.trigger('input')
    expect(w.props('modelValue')).toBe('2026-05-01')
    // What a WebDriver "clear" does: empty it, then input and change.
    el.value = ''
    await input.trigger('input')
    await input.trigger('change')
    expect(w.props('modelValue')).toBe('2026-05-01')
  })

  it('knows a real date from a malformed one', () => {
    expect(isFullDate('2026-02-28')).toBe(true)
    expect(isFullDate('2026-02-30')).toBe(false)
    expect(isFullDate('2026-2-3')).toBe(false)
  })
})

// The monitoring settings on the settings page (docs/monitoring.md): edited in place and saved
// with the rest of the settings as one update_settings; the core checks them.
import { afterEach, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'

import type { MonitoringSettings } from '../src/bindings/MonitoringSettings'
import MonitoringSettingsFields from '../src/components/MonitoringSettingsFields.vue'
import { i18n, setLocale } from '../src/i18n'

afterEach(() => clearMocks())

function defaults(): MonitoringSettings {
  return {
    indicators: [
      { key: 'gross_output', name: '工业总产值', unit: '万元', cumulative: true, may_be_negative: false },
      { key: 'electricity', name: '用电量', unit: '万千瓦时', cumulative: true, may_be_negative: false },
    ],
    schedule: { monthly_due_day: 8, january_exempt: true, xun_due_working_days: 2, project_due_working_days: 5 },
    warnings: {
      yellow_yoy_below: 0,
      orange_yoy_below: -20,
      orange_falling_months: 2,
      red_falling_months: 3,
      red_electricity_share: 30,
      pace_tolerance: 5,
      watched: ['gross_output', 'electricity'],
    },
    lock_day: 20,
  }
}

it('edits the indicator list, the lock day and the watched indicators in place', async () => {
  mockIPC(() => null)
  setLocale('zh-CN')
  const model = defaults()
  const w = mount(MonitoringSettingsFields, {
    props: { modelValue: model, 'onUpdate:modelValue': () => {} },
    global: { plugins: [ElementPlus, i18n] },
  })
  await flushPromises()
  expect(w.text()).toContain('次月几日起锁定')
  expect(w.findAll('[data-testid="settings-monitoring-indicators"] tbody tr')).toHaveLength(2)
  await w.get('[data-testid="settings-monitoring-lock-day"] input').setValue('25')
  await w.get('[data-testid="settings-monitoring-lock-day"] input').trigger('blur')
  await w.get('[data-testid="settings-monitoring-add"]').trigger('click')
  expect(model.indicators).toHaveLength(3)
  expect(model.indicators[2]).toEqual({ key: '', name: '', unit: '万元', cumulative: true, may_be_negative: false })
  expect(model.lock_day).toBe(25)
  // Removing a watched indicator takes it off the watch list too.
  await w.findAll('[data-testid="settings-monitoring-indicators"] tbody tr')[1].find('button').trigger('click')
  expect(model.indicators.map((d) => d.key)).toEqual(['gross_output', ''])
  expect(model.warnings.watched).toEqual(['gross_output'])
  w.unmount()
})

// Working through a queue: the problem page knows the list it was opened from (issue 19).
import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { ProblemRow } from '../src/bindings/ProblemRow'
import ProblemTable from '../src/components/ProblemTable.vue'
import { i18n, setLocale } from '../src/i18n'
import { neighbours, openedFrom, queue } from '../src/stores/queue'

function row(id: string): ProblemRow {
  return {
    id, number: `2026-城关-${id}`, enterprise_name: '恒达机械', township_name: '城关街道', category: '用地', priority: 'normal',
    status: 'assigned', description: '用地手续', demand: '', waiting_days: null, lead_unit_name: '工信局', responsible_leader: '', handler: null, evaluated: false,
    supporter_names: [], registered_on: '2026-03-01', sign_deadline: '2026-03-03', handling_deadline: '2026-03-20',
    extension_pending: false, withdrawal_pending: false, reopen_count: 0, sync_pending: 0,
    lateness: { sign_overdue: false, handling_overdue: false, days_overdue: 0, days_left: 8, level: 'none' },
  }
}

describe('the queue a problem was opened from', () => {
  it('gives each item its place and neighbours', () => {
    openedFrom(['a', 'b', 'c'], '/app/inbox')
    expect(neighbours('a')).toEqual({ index: 1, total: 3, prev: null, next: 'b' })
    expect(neighbours('b')).toEqual({ index: 2, total: 3, prev: 'a', next: 'c' })
    expect(neighbours('c')).toEqual({ index: 3, total: 3, prev: 'b', next: null })
    expect(neighbours('z')).toBeNull()
  })

  it('is remembered when the full page of a row is opened, with the screen to go back to', async () => {
    setLocale('zh-CN')
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/app/inbox', component: { template: '<div/>' } },
        { path: '/p/:id', name: 'problem', component: { template: '<div/>' } },
      ],
    })
    await router.push('/app/inbox?tab=to_sign')
    const w = mount(ProblemTable, { props: { rows: [row('0001'), row('0002')] }, global: { plugins: [ElementPlus, i18n, router] } })
    // The full page: the number's link (a plain click on the row opens the drawer instead).
    await w.get('[data-testid="row-open-2026-城关-0002"]').trigger('click')
    await flushPromises()
    expect(queue.from).toBe('/app/inbox?tab=to_sign')
    expect(queue.ids).toEqual(['0001', '0002'])
    expect(router.currentRoute.value.params.id).toBe('0002')
    w.unmount()
  })
})

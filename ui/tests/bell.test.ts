// The bell (issue 19): the badge's count, a notice's words, the store that reads the notices and
// marks them seen up to where the list was read; a row click's target; the scorecard's order by
// 红牌 / 黄牌.
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { NoticeRow } from '../src/bindings/NoticeRow'
import type { Notices } from '../src/bindings/Notices'
import NoticeBell from '../src/components/NoticeBell.vue'
import { i18n, setLocale } from '../src/i18n'
import { bellBadge, noticeLine } from '../src/logic/notices'
import { rowClickTarget } from '../src/logic/rowActions'
import { orderByCards } from '../src/logic/scorecardOrder'
import { markNoticesSeen, notices, refreshNotices, resetNotices } from '../src/stores/notices'

afterEach(() => {
  clearMocks()
  resetNotices()
  document.body.innerHTML = ''
})

function notice(seq: number, kind: NoticeRow['kind'], unread: boolean, concern: NoticeRow['concern'] = 'unit'): NoticeRow {
  return {
    seq, kind, problem_id: `p${seq}`, number: `2026-城关-000${seq}`, enterprise: '恒达机械有限公司',
    actor_name: '王敏', actor_unit: '区企业服务年办公室', at: '2026-03-02T02:00:00Z', unread, concern,
  }
}

function list(unread: number): Notices {
  return {
    items: [notice(9, 'urged', true), notice(4, 'assigned', unread > 1), notice(2, 'closed', false, 'paired_leader')],
    unread,
    unread_more: false,
    latest_seq: 12,
  }
}

describe('the bell, as logic', () => {
  it('shows nothing when all is read, the count, or the capped count with a plus', () => {
    expect(bellBadge(null)).toBe('')
    expect(bellBadge({ unread: 0, unread_more: false })).toBe('')
    expect(bellBadge({ unread: 3, unread_more: false })).toBe('3')
    expect(bellBadge({ unread: 99, unread_more: true })).toBe('99+')
  })

  it('words a notice: what happened, the problem, who and when', () => {
    const l = noticeLine(notice(9, 'urged', true))
    expect(l).toEqual({
      kind: 'urged',
      problem: { number: '2026-城关-0009', enterprise: '恒达机械有限公司' },
      by: { who: '王敏', unit: '区企业服务年办公室' },
      at: '2026-03-02T02:00:00Z',
      unread: true,
      tag: null,
    })
    // A leader's paired enterprise's item is tagged; their own items and a unit's are not.
    expect(noticeLine(notice(2, 'closed', false, 'paired_leader')).tag).toBe('paired_leader')
    expect(noticeLine(notice(2, 'closed', false, 'responsible_leader')).tag).toBeNull()
  })

  it('opens the drawer on a click, the full page with Ctrl, ⌘, Shift or the middle button', () => {
    const e = { ctrlKey: false, metaKey: false, shiftKey: false, button: 0 }
    expect(rowClickTarget(e)).toBe('drawer')
    expect(rowClickTarget({ ...e, ctrlKey: true })).toBe('page')
    expect(rowClickTarget({ ...e, metaKey: true })).toBe('page')
    expect(rowClickTarget({ ...e, shiftKey: true })).toBe('page')
    expect(rowClickTarget({ ...e, button: 1 })).toBe('page')
  })

  it('puts the units with the most red, then yellow, then overdue items first, or keeps the rank', () => {
    const rows = [
      { unit_name: '住建局', red_now: 0, yellow_now: 2, overdue_now: 2 },
      { unit_name: '工信局', red_now: 1, yellow_now: 0, overdue_now: 1 },
      { unit_name: '人社局', red_now: 0, yellow_now: 2, overdue_now: 3 },
      { unit_name: '发改局', red_now: 0, yellow_now: 0, overdue_now: 0 },
    ]
    expect(orderByCards(rows, 'rank', (r) => r).map((r) => r.unit_name)).toEqual(['住建局', '工信局', '人社局', '发改局'])
    expect(orderByCards(rows, 'cards', (r) => r).map((r) => r.unit_name)).toEqual(['工信局', '人社局', '住建局', '发改局'])
  })
})

describe('the bell store and the header bell', () => {
  it('reads the notices, then marks them seen up to where the list was read', async () => {
    const seen: unknown[] = []
    mockIPC((cmd, args) => {
      if (cmd === 'notices') return list(2)
      if (cmd === 'notices_seen') {
        seen.push(args)
        return null
      }
      return null
    })
    await refreshNotices()
    expect(notices.list?.unread).toBe(2)
    await markNoticesSeen()
    expect(seen).toEqual([{ up_to: 12 }])
    expect(notices.list?.unread).toBe(0)
    // Which were new stays shown until the list is read again.
    expect(notices.list?.items[0].unread).toBe(true)
    // Nothing new: nothing to mark.
    await markNoticesSeen()
    expect(seen).toHaveLength(1)
  })

  it('shows the count, lists the notices newest first and opens the problem of one', async () => {
    setLocale('zh-CN')
    mockIPC((cmd) => (cmd === 'notices' ? list(2) : null))
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', component: { template: '<div/>' } },
        { path: '/p/:id', name: 'problem', component: { template: '<div/>' } },
      ],
    })
    await refreshNotices()
    const w = mount(NoticeBell, { global: { plugins: [ElementPlus, i18n, router] }, attachTo: document.body })
    await flushPromises()
    expect(w.get('[data-testid="bell-count"]').text()).toBe('2')
    await w.get('[data-testid="bell"]').trigger('click')
    await flushPromises()
    const first = document.querySelector('[data-testid="notice-0"]') as HTMLElement
    expect(first.textContent).toContain('督办')
    expect(first.textContent).toContain('2026-城关-0009 · 恒达机械有限公司')
    expect(first.textContent).toContain('王敏（区企业服务年办公室）')
    expect(document.querySelector('[data-testid="notice-1"]')?.textContent).toContain('新交办')
    expect(document.querySelector('[data-testid="notice-1"] [data-testid="notice-paired"]')).toBeNull()
    const paired = document.querySelector('[data-testid="notice-2"]') as HTMLElement
    expect(paired.textContent).toContain('已销号')
    expect(paired.querySelector('[data-testid="notice-paired"]')?.textContent).toBe('包联企业')
    first.click()
    await flushPromises()
    expect(router.currentRoute.value.params.id).toBe('p9')
    w.unmount()
  })
})

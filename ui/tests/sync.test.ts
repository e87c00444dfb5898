// The district server in the window (docs/sync.md), against a mocked shell: the sync panel's
// facts and refused events, sync now and its failure, the header's indicator, the sync after a
// write, and the join dialog's checks.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import * as api from '../src/api'
import type { ReplicaStatus } from '../src/bindings/ReplicaStatus'
import type { SessionInfo } from '../src/bindings/SessionInfo'
import AppLayout from '../src/components/AppLayout.vue'
import DevicesPanel from '../src/components/DevicesPanel.vue'
import JoinDialog from '../src/components/JoinDialog.vue'
import SyncPanel from '../src/components/SyncPanel.vue'
import { i18n, setLocale } from '../src/i18n'
import { app } from '../src/stores/app'
import { refreshSync, resetSync, SYNC_AFTER_WRITE_MS, sync, syncNow } from '../src/stores/sync'

function status(over: Partial<ReplicaStatus> = {}, device_state = 'approved'): ReplicaStatus {
  return {
    replica: {
      server_url: 'https://127.0.0.1:8443', fingerprint: 'AB:CD', device_id: '0190f3a2-7c4e-7b21-9d3e-5a1b2c3d7f3a',
      user_id: 'u1', login: 'cg_zhang', key_file: '/tmp/k', device_state, cursor_after: 40, cursor_after_event: 40,
      high_water: 42, joined_at: '2026-12-01T02:00:00Z', last_sync_at: '2026-12-06T06:30:00Z',
      server_device: 'srv-1', server_key: 'ab12',
    },
    pending: 2,
    applied: 40,
    parked: 0,
    not_applied: [
      {
        event_id: 'e9', kind: 'problem_withdrawn', subject_id: 'p1', occurred_at: '2026-12-05T02:00:00Z', state: 'refused', server_seq: 41,
        reason: { code: 'auth.forbidden', message: 'only the office may do that' },
      },
    ],
    ...over,
  }
}

const calls: { cmd: string; args: Record<string, unknown> }[] = []
function shell(replies: Record<string, unknown | (() => unknown)>) {
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> })
    if (cmd in replies) {
      const r = replies[cmd]
      return typeof r === 'function' ? (r as () => unknown)() : r
    }
    throw { code: 'test.unexpected', message: `unexpected ${cmd}`, params: {} }
  })
}

function router() {
  return createRouter({
    history: createMemoryHistory(),
    routes: ['start', 'signin', 'todo', 'dashboard', 'ledger', 'scorecards', 'sync'].map((name) => ({
      path: `/${name}`,
      name,
      component: { template: '<div/>' },
    })),
  })
}

beforeEach(() => {
  setLocale('zh-CN')
  calls.length = 0
  resetSync()
})
afterEach(() => {
  clearMocks()
  resetSync()
  vi.useRealTimers()
})

describe('the district server in the window', () => {
  it('the panel shows the server, the device, what waits and every refused event with its reason', async () => {
    shell({ sync_status: status() })
    await refreshSync()
    const w = mount(SyncPanel, { global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()
    expect(w.get('[data-testid="sync-server"]').text()).toBe('https://127.0.0.1:8443')
    expect(w.get('[data-testid="sync-device-state"]').text()).toBe('已批准')
    expect(w.get('[data-testid="sync-pending"]').text()).toBe('2 条')
    const refused = w.get('[data-testid="sync-not-applied"]').text()
    expect(refused).toContain('被拒绝')
    expect(refused).toContain('41')
    expect(w.find('[data-testid="sync-wait-approval"]').exists()).toBe(false)
    w.unmount()
  })

  it('a device awaiting approval says so; a standalone ledger has no status and no timer', async () => {
    shell({ sync_status: status({ pending: 0, not_applied: [] }, 'pending') })
    await refreshSync()
    const w = mount(SyncPanel, { global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()
    expect(w.get('[data-testid="sync-wait-approval"]').text()).toContain('等待办公室审核')
    expect(w.get('[data-testid="sync-device-state"]').text()).toBe('待审核')
    w.unmount()

    shell({ sync_status: null })
    expect(await refreshSync()).toBeNull()
    expect(await syncNow()).toBeNull()
    expect(calls.map((c) => c.cmd)).not.toContain('sync_now')
  })

  it('sync now sends the progress channel, reads the status again, and an offline server is kept and shown', async () => {
    let reachable = true
    shell({
      sync_status: () => status(),
      sync_now: () => {
        if (!reachable) throw { code: 'sync.offline', message: 'down', params: { url: 'https://127.0.0.1:8443', reason: 'refused' } }
        return { pushed: 2, applied: 2, no_effect: 0, refused: 0, received: 3, settled: 0, pending: 0, high_water: 45, device_state: 'approved' }
      },
    })
    await refreshSync()
    const done = await syncNow()
    expect(done?.applied).toBe(2)
    const call = calls.find((c) => c.cmd === 'sync_now')
    expect(call?.args).toHaveProperty('on_progress')
    expect(calls.filter((c) => c.cmd === 'sync_status').length).toBe(2)
    expect(sync.error).toBeNull()

    reachable = false
    await expect(syncNow()).rejects.toMatchObject({ code: 'sync.offline' })
    expect(await syncNow(true)).toBeNull()
    const w = mount(SyncPanel, { global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()
    expect(w.get('[data-testid="sync-error"]').text()).toContain('离线')
    w.unmount()
  })

  it('the header shows what waits and links to 同步, which only a replica has', async () => {
    app.session = {
      user: { id: 'u1', login: 'cg', name: '张三', unit_id: 'cg', unit_name: '城关街道', role: 'township', active: true, has_password: false },
      unit: { id: 'cg', name: '城关街道', short_name: '城关', kind: 'township', active: true },
      capabilities: { register: false, supervise: false, handle: false, administer: false, instruct: false, audit: false, import: false, report: false },
    } as SessionInfo
    shell({ sync_status: status() })
    await refreshSync()
    const w = mount(AppLayout, { global: { plugins: [ElementPlus, i18n, router()] } })
    await flushPromises()
    expect(w.get('[data-testid="header-sync"]').text()).toBe('待上传 2')
    expect(w.findAll('nav a').map((a) => a.attributes('data-testid'))).toContain('nav-sync')
    // Offline, what waits is still counted.
    sync.error = { code: 'sync.offline', message: 'down', params: {} }
    await flushPromises()
    expect(w.get('[data-testid="header-sync"]').text()).toBe('离线 · 待上传 2')
    w.unmount()

    resetSync()
    const plain = mount(AppLayout, { global: { plugins: [ElementPlus, i18n, router()] } })
    await flushPromises()
    expect(plain.find('[data-testid="header-sync"]').exists()).toBe(false)
    expect(plain.findAll('nav a').map((a) => a.attributes('data-testid'))).not.toContain('nav-sync')
    plain.unmount()
  })

  it('a write on a replica is synced shortly after, in the background', async () => {
    vi.useFakeTimers()
    shell({
      sync_status: status(),
      execute: [],
      sync_now: { pushed: 1, applied: 1, no_effect: 0, refused: 0, received: 0, settled: 0, pending: 0, high_water: 43, device_state: 'approved' },
    })
    await refreshSync()
    const reads = calls.filter((c) => c.cmd === 'sync_status').length
    await api.execute({ type: 'sign', problem_id: 'p1' } as never)
    await vi.advanceTimersByTimeAsync(0)
    // What waits is counted at once (the header's 待上传 N), before the sync that sends it.
    expect(calls.filter((c) => c.cmd === 'sync_status').length).toBe(reads + 1)
    expect(calls.map((c) => c.cmd)).not.toContain('sync_now')
    await vi.advanceTimersByTimeAsync(SYNC_AFTER_WRITE_MS + 10)
    expect(calls.map((c) => c.cmd)).toContain('sync_now')
  })

  it('a bundle is written where the user chose, and a reply imported through the native dialogs is recorded and said', async () => {
    shell({
      sync_status: () => status({ parked: 1 }),
      'plugin:dialog|save': '/data/一镇.tzb',
      'plugin:dialog|open': '/data/一镇.reply.tzb',
      bundle_export: { path: '/data/一镇.tzb', events: 2, from: 40 },
      bundle_import: {
        applied: 2, no_effect: 0, refused: 0, received: 5, settled: 0, pages_known: 0, parked: false, unparked: 1,
        server_gap: null, stopped: null, pending: 0, device_state: 'approved',
      },
    })
    await refreshSync()
    const w = mount(SyncPanel, { global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()
    expect(w.get('[data-testid="sync-parked"]').text()).toContain('1 份')
    await w.get('[data-testid="bundle-export"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'bundle_export')?.args).toEqual({ out: '/data/一镇.tzb', replace: true })
    const statusReads = calls.filter((c) => c.cmd === 'sync_status').length
    await w.get('[data-testid="bundle-import"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'bundle_import')?.args).toEqual({ file: '/data/一镇.reply.tzb' })
    expect(calls.filter((c) => c.cmd === 'sync_status').length).toBe(statusReads + 1)
    expect(w.emitted('synced')).toBeTruthy()
    w.unmount()
  })

  it('the join dialog asks for what it needs and passes it on as typed', async () => {
    shell({
      sync_join: { path: '/data/district.db', district_name: '' },
    })
    const w = mount(JoinDialog, { props: { modelValue: true }, global: { plugins: [ElementPlus, i18n] }, attachTo: document.body })
    await flushPromises()
    // Element Plus puts the test id on the <input> itself or on its wrapper.
    const input = (id: string) => {
      const el = document.querySelector(`[data-testid="${id}"]`) as HTMLElement
      return (el instanceof HTMLInputElement ? el : el.querySelector('input')) as HTMLInputElement
    }
    ;(document.querySelector('[data-testid="join-submit"]') as HTMLElement).click()
    await flushPromises()
    expect(document.querySelector('[data-testid="join-error"]')?.textContent).toContain('请填写服务器地址')
    expect(calls.map((c) => c.cmd)).not.toContain('sync_join')
    for (const [id, v] of [['join-url', ' https://10.0.0.5:8443 '], ['join-login', 'cg_zhang'], ['join-password', 'pw'], ['join-path', '/data/district.db']]) {
      const el = input(id)
      el.value = v
      el.dispatchEvent(new Event('input'))
    }
    await flushPromises()
    ;(document.querySelector('[data-testid="join-submit"]') as HTMLElement).click()
    await flushPromises()
    const join = calls.find((c) => c.cmd === 'sync_join')
    expect(join?.args).toEqual({
      path: '/data/district.db', url: 'https://10.0.0.5:8443', fingerprint: null, login: 'cg_zhang', password: 'pw', device_name: '',
    })
    expect(w.emitted('joined')?.[0]).toEqual([{ path: '/data/district.db', district_name: '' }])
    w.unmount()
  })

  it('the office lists desktops and approves a new one; each decision goes to the server as typed', async () => {
    const pending = {
      device_id: 'dev-new', login: 'cg_li', name: '城关 李四的电脑', state: 'pending', joined_at: '2026-12-06T01:00:00Z',
      decided_at: null, decided_by: null, last_seq: 0,
    }
    const approved = { ...pending, device_id: 'dev-old', name: '', state: 'approved', decided_at: '2026-12-01T01:00:00Z', decided_by: 'admin', last_seq: 12 }
    shell({
      server_devices: [pending, approved],
      server_device_decide: { ...pending, state: 'approved', decided_at: '2026-12-06T02:00:00Z', decided_by: 'admin' },
    })
    const w = mount(DevicesPanel, { global: { plugins: [ElementPlus, i18n] }, attachTo: document.body })
    await flushPromises()
    const table = w.get('[data-testid="devices-table"]').text()
    expect(table).toContain('城关 李四的电脑')
    expect(table).toContain('待审核')
    expect(table).toContain('dev-old')
    expect(w.find('[data-testid="device-approve-dev-old"]').exists()).toBe(false)
    await w.get('[data-testid="device-approve-dev-new"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.cmd === 'server_device_decide')?.args).toEqual({ device_id: 'dev-new', approve: true })
    expect(w.find('[data-testid="device-approve-dev-new"]').exists()).toBe(false)
    w.unmount()
  })

  it('a refusal from the server (not the office) is shown, not thrown', async () => {
    shell({
      server_devices: () => {
        throw { code: 'auth.forbidden', message: 'no', params: { user: 'cg_zhang', action: 'decide devices', reason: 'office_decides_devices' } }
      },
    })
    const w = mount(DevicesPanel, { global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()
    expect(w.get('[data-testid="devices-error"]').text()).not.toContain('auth.forbidden')
    w.unmount()
  })
})

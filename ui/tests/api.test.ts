import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Channel } from '@tauri-apps/api/core'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'

import * as api from '../src/api'

type Call = { cmd: string; args: Record<string, unknown> }
let calls: Call[] = []

beforeEach(() => {
  calls = []
})
afterEach(() => clearMocks())

function record(reply: (cmd: string, args: Record<string, unknown>) => unknown) {
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>
    calls.push({ cmd, args: a })
    return reply(cmd, a)
  })
}

describe('api module', () => {
  it('passes snake_case argument names exactly as the Rust parameters', async () => {
    record(() => ({ total: 0, offset: 0, rows: [] }))
    const filter = api.emptyFilter()
    await api.listProblems(filter, { key: 'deadline', descending: false }, { offset: 50, limit: 50 })
    expect(calls[0]).toEqual({
      cmd: 'list_problems',
      args: { filter, sort: { key: 'deadline', descending: false }, page: { offset: 50, limit: 50 } },
    })
    record(() => null)
    await api.problemDetail('2026-城关-0001')
    await api.setPassword('u1', null)
    await api.inbox()
    await api.parseCalendarYear('{}', 'json', '国办发明电〔2025〕7号')
    expect(calls.slice(1).map((c) => [c.cmd, c.args])).toEqual([
      ['problem_detail', { problem: '2026-城关-0001' }],
      ['set_password', { user_id: 'u1', password: null }],
      ['inbox', { unit_id: null }],
      ['parse_calendar_year', { text: '{}', format: 'json', notice: '国办发明电〔2025〕7号' }],
    ])
  })

  it('sends commands through execute and execute_all', async () => {
    record(() => [])
    await api.execute({ action: 'sign', problem_id: 'p1', handler: '李四' })
    await api.executeAll([{ action: 'urge', problem_id: 'p1', level: 'yellow', notice: '请加快' }])
    expect(calls[0]).toEqual({ cmd: 'execute', args: { command: { action: 'sign', problem_id: 'p1', handler: '李四' } } })
    expect(calls[1].cmd).toBe('execute_all')
    expect((calls[1].args.commands as unknown[]).length).toBe(1)
  })

  it('wraps a Rust error in an ApiError with code and params', async () => {
    record(() => {
      throw { code: 'return.window_closed', message: 'closed', params: { deadline: '2026-03-03' } }
    })
    const err = await api.execute({ action: 'acknowledge', problem_id: 'p' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(api.ApiError)
    expect((err as api.ApiError).code).toBe('return.window_closed')
    expect((err as api.ApiError).params).toEqual({ deadline: '2026-03-03' })
  })

  it('hands a progress Channel to long work and reports its messages', async () => {
    const seen: number[] = []
    record((cmd, args) => {
      expect(cmd).toBe('ledger_open_demo')
      const ch = args.on_progress as Channel<unknown>
      expect(ch).toBeInstanceOf(Channel)
      // What Rust's Channel::send delivers, in order.
      const run = (window as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, d: unknown) => void } })
        .__TAURI_INTERNALS__.runCallback
      run(ch.id, { index: 0, message: { stage: 'demo', done: 1, total: 2 } })
      run(ch.id, { index: 1, message: { stage: 'demo', done: 2, total: 2 } })
      return { path: '/tmp/demo.db', district_name: '示范区' }
    })
    const info = await api.ledgerOpenDemo((p) => seen.push(p.done))
    expect(info.district_name).toBe('示范区')
    expect(seen).toEqual([1, 2])
  })
})

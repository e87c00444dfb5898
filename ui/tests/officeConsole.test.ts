// The office's 督办中心 lists are read once for all who ask while a read is under way (the menu's
// counts and the 督办中心 itself ask together after sign-in), and afresh after a write.
import { afterEach, describe, expect, it } from 'vitest'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'

import type { OfficeConsole } from '../src/bindings/OfficeConsole'
import * as api from '../src/api'
import { officeConsoleShared } from '../src/stores/badges'

afterEach(() => clearMocks())

const empty = (): OfficeConsole => ({
  to_assign: [],
  disputed: [],
  extension_requests: [],
  overdue: [],
  ready_to_close: [],
  withdrawal_requests: [],
})

/** Counts the shell's `office_console` calls; each answers when `release` is called. */
function shell() {
  const s = { calls: 0, waiting: [] as (() => void)[] }
  mockIPC((cmd) => {
    if (cmd === 'office_console') {
      s.calls++
      return new Promise<OfficeConsole>((resolve) => s.waiting.push(() => resolve(empty())))
    }
    if (cmd === 'execute') return []
    return null
  })
  return {
    s,
    release: async () => {
      for (const f of s.waiting.splice(0)) f()
      await new Promise((r) => setTimeout(r, 0))
    },
  }
}

describe('the office console read', () => {
  it('is shared by those who ask while it runs, and read again once it is done', async () => {
    const { s, release } = shell()
    const a = officeConsoleShared()
    const b = officeConsoleShared()
    await new Promise((r) => setTimeout(r, 0))
    expect(s.calls).toBe(1)
    await release()
    expect(await a).toEqual(empty())
    expect(await b).toEqual(empty())
    const c = officeConsoleShared()
    await new Promise((r) => setTimeout(r, 0))
    expect(s.calls).toBe(2)
    await release()
    await c
  })

  it('is not shared across a write: what was read before it is not the answer after it', async () => {
    const { s, release } = shell()
    const before = officeConsoleShared()
    await api.execute({ kind: 'urge' } as never)
    const after = officeConsoleShared()
    await new Promise((r) => setTimeout(r, 0))
    expect(s.calls).toBe(2)
    expect(after).not.toBe(before)
    await release()
    await Promise.all([before, after])
  })
})

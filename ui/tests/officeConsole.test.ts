// The office's 督办中心 counts are read once for all who ask while a read is under way (the menu's
// counts and the 督办中心 itself ask together after sign-in), and afresh after a write.
import { afterEach, describe, expect, it } from 'vitest'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'

import type { ConsoleCounts } from '../src/bindings/ConsoleCounts'
import * as api from '../src/api'
import { consoleCountsShared } from '../src/stores/badges'

afterEach(() => clearMocks())

const empty = (): ConsoleCounts => ({
  to_assign: 0,
  disputed: 0,
  extension_requests: 0,
  overdue: 0,
  ready_to_close: 0,
  withdrawal_requests: 0,
})

/** Counts the shell's `office_console_counts` calls; each answers when `release` is called. */
function shell() {
  const s = { calls: 0, waiting: [] as (() => void)[] }
  mockIPC((cmd) => {
    if (cmd === 'office_console_counts') {
      s.calls++
      return new Promise<ConsoleCounts>((resolve) => s.waiting.push(() => resolve(empty())))
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

describe('the office console counts read', () => {
  it('is shared by those who ask while it runs, and read again once it is done', async () => {
    const { s, release } = shell()
    const a = consoleCountsShared()
    const b = consoleCountsShared()
    await new Promise((r) => setTimeout(r, 0))
    expect(s.calls).toBe(1)
    await release()
    expect(await a).toEqual(empty())
    expect(await b).toEqual(empty())
    const c = consoleCountsShared()
    await new Promise((r) => setTimeout(r, 0))
    expect(s.calls).toBe(2)
    await release()
    await c
  })

  it('is not shared across a write: what was read before it is not the answer after it', async () => {
    const { s, release } = shell()
    const before = consoleCountsShared()
    await api.execute({ kind: 'urge' } as never)
    const after = consoleCountsShared()
    await new Promise((r) => setTimeout(r, 0))
    expect(s.calls).toBe(2)
    expect(after).not.toBe(before)
    await release()
    await Promise.all([before, after])
  })
})

// The menu's counts for the signed-in user (logic/home.ts says which and how they read),
// refreshed when the layout opens, when the user moves between screens, and after each write.

import { reactive } from 'vue'

import * as api from '../api'
import type { ConsoleCounts } from '../bindings/ConsoleCounts'
import { consoleBadges, inboxBadges, todoBadges, todoFilter, type BadgePart, type TodoTab } from '../logic/home'
import { app } from './app'

export const badges = reactive<{ parts: Record<string, BadgePart[]> }>({ parts: {} })

// The office's 督办中心 counts, read once for all who ask while a read is under way: the menu's
// counts and the 督办中心 itself (the office's first screen) ask together after sign-in. A
// write starts afresh: what was read before it is not shared after it.
let countsRead: Promise<ConsoleCounts> | null = null
api.onWrite(() => {
  countsRead = null
})
export function consoleCountsShared(): Promise<ConsoleCounts> {
  if (!countsRead) {
    const read = api.officeConsoleCounts().finally(() => {
      if (countsRead === read) countsRead = null
    })
    countsRead = read
  }
  return countsRead
}

/** How many of the township's own problems a todo tab holds (one row read, the total kept). */
export async function todoCount(tab: TodoTab, townshipId: string): Promise<number> {
  const page = await api.listProblems(todoFilter(tab, townshipId), { key: 'deadline', descending: false }, { offset: 0, limit: 1 })
  return page.total
}

/**
 * The menu item that carries a role's counts. Its badge line is laid out before the counts
 * arrive (they are read beside the first page), so the menu does not move under the pointer
 * when they do.
 */
export function badgedItem(role: string | undefined): string | undefined {
  return ({ department: 'inbox', office: 'console', township: 'todo' } as Record<string, string>)[role ?? '']
}

export async function refreshBadges(): Promise<void> {
  const s = app.session
  if (!s) {
    badges.parts = {}
    return
  }
  try {
    switch (s.user.role) {
      case 'department':
        badges.parts = { inbox: inboxBadges(await api.inbox()) }
        break
      case 'office':
        badges.parts = { console: consoleBadges(await consoleCountsShared()) }
        break
      case 'township': {
        const [callback, overdue] = await Promise.all([todoCount('callback', s.unit.id), todoCount('overdue', s.unit.id)])
        badges.parts = { todo: todoBadges({ callback, overdue, registered: 0, withdrawal: 0 }) }
        break
      }
      default:
        badges.parts = {}
    }
  } catch {
    // A count that cannot be read leaves the menu as it was; the screen itself says why.
  }
}

// The menu's counts for the signed-in user (logic/home.ts says which and how they read),
// refreshed when the layout opens, when the user moves between screens, and after each write.

import { reactive } from 'vue'

import * as api from '../api'
import { consoleBadges, inboxBadges, todoBadges, todoFilter, type BadgePart, type TodoTab } from '../logic/home'
import { app } from './app'

export const badges = reactive<{ parts: Record<string, BadgePart[]> }>({ parts: {} })

/** How many of the township's own problems a todo tab holds (one row read, the total kept). */
export async function todoCount(tab: TodoTab, townshipId: string): Promise<number> {
  const page = await api.listProblems(todoFilter(tab, townshipId), { key: 'deadline', descending: false }, { offset: 0, limit: 1 })
  return page.total
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
        badges.parts = { console: consoleBadges(await api.officeConsole()) }
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

// The bell's notices for the signed-in user, read again when the layout opens, on each move
// between screens, after each write and after each sync with the district server; opening the
// list marks them seen (up to where the list was read, so one that came in since stays new).

import { reactive } from 'vue'

import * as api from '../api'
import type { Notices } from '../bindings/Notices'

/** Notices listed in the bell's popover. */
export const NOTICES_LISTED = 30

export const notices = reactive<{ list: Notices | null }>({ list: null })

let asked = 0
let readAt = 0
export async function refreshNotices(): Promise<void> {
  const mine = ++asked
  readAt = Date.now()
  try {
    const list = await api.notices(NOTICES_LISTED)
    if (mine === asked) notices.list = list
  } catch {
    // Without an answer the bell shows what it had; nothing else depends on it.
  }
}

/** Reads them again unless that was done in the last `ms` (moving between screens is frequent;
 * a write or a sync reads them at once). */
export async function refreshNoticesIfOlder(ms: number): Promise<void> {
  if (Date.now() - readAt >= ms) await refreshNotices()
}

/** Marks everything listed as seen; the list keeps showing which were new until it is read again. */
export async function markNoticesSeen(): Promise<void> {
  const list = notices.list
  if (!list || list.unread === 0) return
  try {
    await api.noticesSeen(list.latest_seq)
    notices.list = { ...list, unread: 0, unread_more: false }
  } catch {
    // The mark is the desk's convenience: failing to keep it loses nothing.
  }
}

export function resetNotices() {
  asked++
  readAt = 0
  notices.list = null
}

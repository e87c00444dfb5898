// The list a problem was opened from (a queue, the ledger's page, 我的事项): the problem page
// goes back to it with 返回 and walks it with 上一条 / 下一条, so working through a queue does
// not mean finding one's place again after every item.

import { reactive } from 'vue'

import { placeIn } from '../logic/rowActions'

export const queue = reactive<{ ids: string[]; from: string | null }>({ ids: [], from: null })

/** Remembers the list `ids` (in its order) and the route it was shown at. */
export function openedFrom(ids: string[], from: string): void {
  queue.ids = [...ids]
  queue.from = from
}

/** Where `id` stands in the remembered list, and its neighbours (null at either end, or when
 * the problem was not opened from a list). */
export function neighbours(id: string): { index: number; total: number; prev: string | null; next: string | null } | null {
  return placeIn(queue.ids, id)
}

/** 办理后下一条 in a list's side drawer: after an act, show the list's next item. Kept while
 * the app runs, as the user left it. */
export const drawerPrefs = reactive({ nextAfterAct: true })

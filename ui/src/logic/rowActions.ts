// The 操作 column and the side drawer of a list (issue 19). Which actions a row offers comes
// only from Rust (`row_actions`, the core's `allowed_actions` asked per row); this only lays
// them out — the one or two a row is usually there for as buttons, the rest under 更多 — and
// says where 办理后下一条 goes.

import type { Action } from '../bindings/Action'

/** The order a row shows its allowed actions in: each state's main act first (what the queue
 * the row sits in is for), the occasional ones after. Presentation only: an action absent
 * from the row's allowed list is never shown, whatever its place here. */
export const ROW_ACTION_ORDER: readonly Action[] = [
  'sign',
  'assign',
  'rule_return',
  'rule_extension',
  'rule_withdrawal',
  'close',
  'evaluate',
  'resolve',
  'submit_opinion',
  'acknowledge',
  'resolve_locally',
  'urge',
  'instruct',
  'note_progress',
  'request_extension',
  'return',
  'waive_opinion',
  'request_withdrawal',
]

/** The allowed actions of a row, split into the buttons shown (`shown` of them at most) and
 * the rest (under 更多), each part in `ROW_ACTION_ORDER`. */
export function splitRowActions(allowed: readonly Action[], shown = 2): { shown: Action[]; more: Action[] } {
  const rank = (a: Action) => {
    const i = ROW_ACTION_ORDER.indexOf(a)
    return i < 0 ? ROW_ACTION_ORDER.length : i
  }
  const sorted = [...allowed].sort((a, b) => rank(a) - rank(b))
  return { shown: sorted.slice(0, shown), more: sorted.slice(shown) }
}

/** Where `id` stands in a list (`ids`, in its order) and its neighbours; null when it is not
 * in the list. */
export function placeIn(ids: readonly string[], id: string | null): { index: number; total: number; prev: string | null; next: string | null } | null {
  if (id === null) return null
  const i = ids.indexOf(id)
  if (i < 0) return null
  return { index: i + 1, total: ids.length, prev: ids[i - 1] ?? null, next: ids[i + 1] ?? null }
}

/** After acting on `id` in the drawer: the item to show next. With 办理后下一条, the one after
 * it in the list as it stood when the act was made (the act may take the item out of the
 * queue, so the list after the refresh cannot say); at the end of the list, nothing (`null`,
 * the drawer says so). Without it, the same item again. */
export function afterAct(ids: readonly string[], id: string, nextAfter: boolean): string | null {
  if (!nextAfter) return id
  return placeIn(ids, id)?.next ?? null
}

/** Where a click on a row goes: the side drawer, so the list stays in view; with Ctrl, ⌘ or
 * Shift held (or the middle button), the problem's full page, as a link would open it. */
export function rowClickTarget(e: Pick<MouseEvent, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'button'>): 'drawer' | 'page' {
  return e.ctrlKey || e.metaKey || e.shiftKey || e.button === 1 ? 'page' : 'drawer'
}

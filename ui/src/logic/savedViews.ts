// Saved ledger views (filter + sort + columns) kept in localStorage under a name, per user
// (a township official's views are not a department head's on a shared desk).

import { emptyFilter } from '../api'
import type { ProblemFilter } from '../bindings/ProblemFilter'
import type { Sort } from '../bindings/Sort'

export interface SavedView {
  name: string
  filter: ProblemFilter
  sort: Sort
  columns: string[]
}

/** Where views were kept before they were per user: still read, as a start, by anyone who has
 * none of their own. */
export const VIEWS_KEY = 'taizhang.ledger.views'

/** The key of one user's views. */
export function viewsKey(owner: string): string {
  return `${VIEWS_KEY}:${owner}`
}

type Store = Pick<Storage, 'getItem' | 'setItem'>

function storage(s?: Store): Store | null {
  if (s) return s
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

function normalize(v: unknown): SavedView | null {
  if (!v || typeof v !== 'object') return null
  const o = v as Partial<SavedView>
  if (typeof o.name !== 'string' || !o.name.trim()) return null
  const sort: Sort =
    o.sort && typeof o.sort === 'object' && typeof o.sort.key === 'string'
      ? { key: o.sort.key, descending: !!o.sort.descending }
      : { key: 'registered', descending: true }
  return {
    name: o.name.trim(),
    // Views saved by an older version may lack newer filter fields.
    filter: { ...emptyFilter(), ...(o.filter && typeof o.filter === 'object' ? o.filter : {}) },
    sort,
    columns: Array.isArray(o.columns) ? o.columns.filter((c): c is string => typeof c === 'string') : [],
  }
}

export function loadViews(owner: string, s?: Store): SavedView[] {
  const st = storage(s)
  if (!st) return []
  try {
    const raw = st.getItem(viewsKey(owner)) ?? st.getItem(VIEWS_KEY)
    const parsed: unknown = raw ? JSON.parse(raw) : []
    if (!Array.isArray(parsed)) return []
    return parsed.map(normalize).filter((v): v is SavedView => v !== null)
  } catch {
    return []
  }
}

function store(owner: string, views: SavedView[], s?: Store): SavedView[] {
  storage(s)?.setItem(viewsKey(owner), JSON.stringify(views))
  return views
}

/** Saves a view, replacing one of the same name; returns the list, sorted by name. */
export function saveView(owner: string, view: SavedView, s?: Store): SavedView[] {
  const v = normalize(JSON.parse(JSON.stringify(view)))
  if (!v) throw new Error('a saved view needs a name')
  const views = loadViews(owner, s).filter((x) => x.name !== v.name)
  views.push(v)
  views.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))
  return store(owner, views, s)
}

export function deleteView(owner: string, name: string, s?: Store): SavedView[] {
  return store(
    owner,
    loadViews(owner, s).filter((x) => x.name !== name),
    s,
  )
}

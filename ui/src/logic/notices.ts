// The bell in the header (issue 19): how its count reads and what each notice says. Which acts
// are notices for whom is decided in Rust (`notices`, the core's rule); this only words them.

import type { NoticeRow } from '../bindings/NoticeRow'
import type { Notices } from '../bindings/Notices'

/** The badge on the bell: nothing when all is read, the count, or "99+" past the cap. */
export function bellBadge(n: Pick<Notices, 'unread' | 'unread_more'> | null | undefined): string {
  if (!n || n.unread === 0) return ''
  return n.unread_more ? `${n.unread}+` : String(n.unread)
}

/** What to show for one notice: the words' keys and params (the view translates them). */
export interface NoticeLine {
  /** The label of the notice's kind (catalogue section `notice`). */
  kind: string
  /** The problem: number · enterprise. */
  problem: { number: string; enterprise: string }
  /** Who acted: name (unit). */
  by: { who: string; unit: string }
  at: string
  unread: boolean
  /** Shown beside the kind when it is not the user's own item: a leader's paired enterprise
   * (包联企业); null otherwise. */
  tag: string | null
}

export function noticeLine(n: NoticeRow): NoticeLine {
  return {
    kind: n.kind,
    problem: { number: n.number, enterprise: n.enterprise },
    by: { who: n.actor_name, unit: n.actor_unit },
    at: n.at,
    unread: n.unread,
    tag: n.concern === 'paired_leader' ? n.concern : null,
  }
}

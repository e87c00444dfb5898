// The ledger screen's filter, sort, page and columns, kept while the app runs so that
// coming back from a problem shows the same list.
import { reactive } from 'vue'

import { emptyFilter } from '../api'
import type { ProblemFilter } from '../bindings/ProblemFilter'
import type { SessionInfo } from '../bindings/SessionInfo'
import type { Sort } from '../bindings/Sort'
import { DEFAULT_COLUMNS, type ColumnKey } from '../components/columns'
import { startFilter } from '../logic/home'

export const PAGE_SIZES = [20, 50, 100, 200]

export const ledgerState = reactive({
  filter: emptyFilter() as ProblemFilter,
  sort: { key: 'registered', descending: true } as Sort,
  offset: 0,
  pageSize: 50,
  columns: [...DEFAULT_COLUMNS] as ColumnKey[],
})

/** A fresh list for whoever signs in, so one user's filters never carry over to the next
 * (切换用户): where each role starts is `startFilter`'s (logic/home.ts). */
export function resetLedgerState(session: SessionInfo | null): void {
  ledgerState.filter = startFilter(session)
  ledgerState.sort = { key: 'registered', descending: true }
  ledgerState.offset = 0
  ledgerState.pageSize = 50
  ledgerState.columns = [...DEFAULT_COLUMNS]
}

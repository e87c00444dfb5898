// The ledger screen's filter, sort, page and columns, kept while the app runs so that
// coming back from a problem shows the same list.
import { reactive } from 'vue'

import { emptyFilter } from '../api'
import type { ProblemFilter } from '../bindings/ProblemFilter'
import type { Sort } from '../bindings/Sort'
import { DEFAULT_COLUMNS, type ColumnKey } from '../components/columns'

export const PAGE_SIZE = 50

export const ledgerState = reactive({
  filter: emptyFilter() as ProblemFilter,
  sort: { key: 'registered', descending: true } as Sort,
  offset: 0,
  columns: [...DEFAULT_COLUMNS] as ColumnKey[],
})

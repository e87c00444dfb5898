// The visit sheet import (docs/import.md, "A township's visit sheet"): how the dialog shows
// what Rust planned. Nothing here decides anything: each row's result and every issue are the
// planner's; this only puts them side by side, row by row.

import type { RowIssue } from '../bindings/RowIssue'
import type { VisitImportPreview } from '../bindings/VisitImportPreview'
import type { VisitRowResult } from '../bindings/VisitRowResult'

/** The tag a row's result shows: its colour and the i18n key of its words. */
export function resultTag(result: VisitRowResult): { type: 'success' | 'primary' | 'info' | 'danger'; key: string } {
  switch (result) {
    case 'visit_and_problem':
      return { type: 'success', key: 'visitImport.result.visitAndProblem' }
    case 'visit':
      return { type: 'primary', key: 'visitImport.result.visit' }
    case 'problem':
      return { type: 'success', key: 'visitImport.result.problem' }
    case 'already_there':
      return { type: 'info', key: 'visitImport.result.alreadyThere' }
    case 'error':
      return { type: 'danger', key: 'visitImport.result.error' }
  }
}

/** The issues of each sheet row, in the planner's order (a row may have an error and a warning). */
export function issuesByRow(issues: RowIssue[]): Map<number, RowIssue[]> {
  const out = new Map<number, RowIssue[]>()
  for (const i of issues) {
    const list = out.get(i.row) ?? []
    list.push(i)
    out.set(i.row, list)
  }
  return out
}

/** The sheet-level issues: those on rows the planner did not list as data (a missing column is
 * reported on the header row). */
export function sheetIssues(p: VisitImportPreview): RowIssue[] {
  const rows = new Set(p.rows.map((r) => r.row))
  return p.issues.filter((i) => !rows.has(i.row))
}

/** Whether 导入 does anything: no error, and something new to record. */
export function worthImporting(p: VisitImportPreview | null): boolean {
  return !!p && p.can_commit && p.visits_new + p.problems_new > 0
}

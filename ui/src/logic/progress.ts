// Where a piece of long work is, from the latest `Progress` message of its channel.
import type { Progress } from '../bindings/Progress'

/**
 * - `start`: nothing to count yet (reading a sheet, digesting tables, planning the demo), or
 *   work of a single step such as a report;
 * - `counting`: `done` of `total` steps;
 * - `end`: past the last step, finishing what has no count (saving a workbook, committing,
 *   comparing digests).
 */
export type ProgressPhase = 'start' | 'counting' | 'end'

export function progressPhase(p: Progress): ProgressPhase {
  if (p.total <= 0) return 'start'
  if (p.done >= p.total) return 'end'
  if (p.total === 1) return 'start'
  return 'counting'
}

/** The stages the shell reports (`Progress.stage`), each with its own sentences. */
export const PROGRESS_STAGES = ['demo', 'import', 'export', 'report', 'verify', 'rebuild', 'sync_push', 'sync_pull'] as const

export function progressStage(p: Progress): (typeof PROGRESS_STAGES)[number] | 'work' {
  return (PROGRESS_STAGES as readonly string[]).includes(p.stage) ? (p.stage as (typeof PROGRESS_STAGES)[number]) : 'work'
}

// Acting on several items of a queue at once (批量签收, 批量销号): each item is its own command,
// decided by the core on its own, so one item that may not be signed or closed does not stop
// the others, and the user is told which one and why. (The office's bulk assign and urge are
// one transaction instead: one decision applied to many items, all or nothing.)

import type { Command } from '../bindings/Command'

export interface BatchItem {
  /** What the user knows the item by: its number. */
  number: string
  command: Command
}

export interface BatchFailure {
  number: string
  message: string
}

export interface BatchResult {
  done: number
  failed: BatchFailure[]
}

/** Runs each item's command in turn (never two at once: the ledger has one writer) and reports
 * how many went through and, for each refusal, the item and the refusal in the user's words. */
export async function runEach(
  items: BatchItem[],
  execute: (command: Command) => Promise<unknown>,
  describe: (error: unknown) => string,
): Promise<BatchResult> {
  const result: BatchResult = { done: 0, failed: [] }
  for (const item of items) {
    try {
      await execute(item.command)
      result.done += 1
    } catch (e) {
      result.failed.push({ number: item.number, message: describe(e) })
    }
  }
  return result
}

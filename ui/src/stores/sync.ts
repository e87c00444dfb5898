// The open ledger's standing with its district server (docs/sync.md), shared by the header's
// indicator, the sync panel and the sign-in page. A standalone ledger has no status and none
// of this runs. While a replica is open it syncs every minute and shortly after each write;
// a failure (the server unreachable, say) is kept as `error` and shown, never thrown at the
// screen the user is working in.

import { reactive } from 'vue'

import * as api from '../api'
import type { BundleExport } from '../bindings/BundleExport'
import type { BundleImport } from '../bindings/BundleImport'
import type { Progress } from '../bindings/Progress'
import type { ReplicaStatus } from '../bindings/ReplicaStatus'
import type { SyncSummary } from '../bindings/SyncSummary'

export const SYNC_EVERY_MS = 60_000
/** How long after a write the sync waits, so a burst of acts goes up in one push. */
export const SYNC_AFTER_WRITE_MS = 3_000

export const sync = reactive({
  status: null as ReplicaStatus | null,
  running: false,
  progress: null as Progress | null,
  last: null as SyncSummary | null,
  /** The last sync's failure, as the shell reported it; cleared by the next success. */
  error: null as unknown,
})

let timer: ReturnType<typeof setInterval> | undefined
api.onWrite(() => wroteLocally())
let soon: ReturnType<typeof setTimeout> | undefined

/** Reads the status again (after opening a ledger, after a sync). */
export async function refreshSync(): Promise<ReplicaStatus | null> {
  try {
    sync.status = await api.syncStatus()
  } catch {
    sync.status = null
  }
  schedule()
  return sync.status
}

/** Syncs now, unless a sync runs already; resolves with what it did (null when it did not
 * run). `quiet`: no progress dialog (the background syncs). */
export async function syncNow(quiet = false): Promise<SyncSummary | null> {
  if (sync.running || !sync.status) return null
  sync.running = true
  if (!quiet) sync.progress = { stage: 'sync_push', done: 0, total: 0 }
  try {
    const summary = await api.syncNow((p) => {
      if (!quiet) sync.progress = p
    })
    sync.last = summary
    sync.error = null
    return summary
  } catch (e) {
    sync.error = e
    if (!quiet) throw e
    return null
  } finally {
    sync.running = false
    sync.progress = null
    await refreshSync()
  }
}

/** Writes the pending events to a bundle file (docs/bundles.md); the ledger does not change. */
export async function exportBundle(out: string, replace: boolean): Promise<BundleExport> {
  return api.bundleExport(out, replace)
}

/** Applies the server's reply bundle, while no sync runs; the status is read again after. */
export async function importBundle(file: string): Promise<BundleImport | null> {
  if (sync.running) return null
  sync.running = true
  try {
    return await api.bundleImport(file)
  } finally {
    sync.running = false
    await refreshSync()
  }
}

/** A write was made here: sync a little later, so the office sees it soon. */
export function wroteLocally() {
  if (!sync.status) return
  // The header counts what waits at once, not only after the sync that sends it.
  void refreshSync()
  clearTimeout(soon)
  soon = setTimeout(() => void syncNow(true), SYNC_AFTER_WRITE_MS)
}

/** Forgets the status and stops the timers (the ledger was closed or another opened). */
export function resetSync() {
  clearInterval(timer)
  clearTimeout(soon)
  timer = undefined
  sync.status = null
  sync.last = null
  sync.error = null
}

function schedule() {
  if (!sync.status) {
    clearInterval(timer)
    timer = undefined
    return
  }
  if (timer === undefined) timer = setInterval(() => void syncNow(true), SYNC_EVERY_MS)
}

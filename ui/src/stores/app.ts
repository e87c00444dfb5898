// What the whole UI shares: the open ledger, the session, units and settings (cached), and
// whether the last chain verification failed (the red banner).

import { reactive } from 'vue'

import * as api from '../api'
import { resetLedgerState } from './ledgerState'
import type { AppInfo } from '../bindings/AppInfo'
import type { Capabilities } from '../bindings/Capabilities'
import type { LedgerInfo } from '../bindings/LedgerInfo'
import type { SessionInfo } from '../bindings/SessionInfo'
import type { Settings } from '../bindings/Settings'
import type { Unit } from '../bindings/Unit'
import { resetNotices } from './notices'
import { refreshSync, resetSync } from './sync'

export const AUDIT_KEY = 'taizhang.audit.broken'

export const app = reactive({
  info: null as AppInfo | null,
  ledger: null as LedgerInfo | null,
  session: null as SessionInfo | null,
  units: [] as Unit[],
  settings: null as Settings | null,
  /** Path of a ledger whose last verification failed; the banner shows while it is open. */
  auditBrokenPath: readBroken(),
  /** The open ledger's file was replaced or moved under the app (the shell refuses every
   * command until it is opened again); the banner offers to reopen it. */
  ledgerReplaced: false,
})

function readBroken(): string | null {
  try {
    return globalThis.localStorage?.getItem(AUDIT_KEY) ?? null
  } catch {
    return null
  }
}

export function setAuditBroken(broken: boolean) {
  app.auditBrokenPath = broken ? (app.ledger?.path ?? null) : null
  try {
    if (app.auditBrokenPath) globalThis.localStorage?.setItem(AUDIT_KEY, app.auditBrokenPath)
    else globalThis.localStorage?.removeItem(AUDIT_KEY)
  } catch {
    // ignore
  }
}

export function auditBroken(): boolean {
  return !!app.ledger && app.auditBrokenPath === app.ledger.path
}

export function can(cap: keyof Capabilities): boolean {
  return !!app.session?.capabilities[cap]
}

export async function loadInfo() {
  app.info = await api.appInfo()
  return app.info
}

/** After a ledger was opened (or found open at start-up). */
export async function ledgerOpened(info: LedgerInfo) {
  app.ledger = info
  app.session = null
  app.units = []
  app.settings = null
  app.ledgerReplaced = false
  watchChain(info.path)
  watchFile()
  resetSync()
  await refreshSync()
}

export const FILE_POLL_MS = 15000
let fileTimer: ReturnType<typeof setInterval> | undefined

/** Asks the shell whether the open ledger's file was swapped under it. */
export async function checkFile() {
  if (!app.ledger) return
  try {
    app.ledgerReplaced = await api.ledgerReplaced()
  } catch {
    // the next check will tell
  }
}

/** Checks the file on a timer and whenever the window gets the focus back (the moment another
 * program's restore is most likely to have happened). */
export function watchFile() {
  clearInterval(fileTimer)
  fileTimer = setInterval(() => void checkFile(), FILE_POLL_MS)
  globalThis.removeEventListener?.('focus', onFocus)
  globalThis.addEventListener?.('focus', onFocus)
}

function onFocus() {
  void checkFile()
}

export const CHAIN_POLL_MS = 500
let chainTimer: ReturnType<typeof setTimeout> | undefined

/**
 * The shell checks the chain of every ledger it opens, in the background (seconds at 100,000
 * problems), while the ledger is already in use: ask until the answer for this file arrives.
 * A break raises the red banner until an audit passes; a sound chain clears an old flag.
 */
export function watchChain(path: string) {
  clearTimeout(chainTimer)
  const ask = async () => {
    if (app.ledger?.path !== path) return
    try {
      const check = await api.chainCheck()
      if (app.ledger?.path !== path) return
      if (check && check.path === path) {
        setAuditBroken(!check.ok)
        return
      }
    } catch {
      return
    }
    chainTimer = setTimeout(() => void ask(), CHAIN_POLL_MS)
  }
  void ask()
}

/** Re-attaches to a ledger the shell already has open (e.g. after a reload). */
export async function restore(): Promise<void> {
  const info = await loadInfo()
  if (!info.current) {
    app.ledger = null
    app.session = null
    return
  }
  const settings = await api.getSettings()
  // Re-attaching does not re-verify: it picks up the check of this opening (perhaps still running).
  app.ledger = { path: info.current, district_name: settings.district_name }
  app.settings = settings
  watchChain(info.current)
  watchFile()
  app.session = await api.session()
  if (app.session) await refreshUnits()
}

export async function signedIn(s: SessionInfo) {
  app.session = s
  resetNotices()
  resetLedgerState(s)
  await Promise.all([refreshUnits(), refreshSettings()])
}

export async function refreshUnits() {
  app.units = await api.listUnits()
  return app.units
}

export async function refreshSettings() {
  app.settings = await api.getSettings()
  if (app.ledger) app.ledger.district_name = app.settings.district_name
  return app.settings
}

export async function closeLedger() {
  clearTimeout(chainTimer)
  clearInterval(fileTimer)
  app.ledgerReplaced = false
  resetSync()
  await api.ledgerClose()
  app.ledger = null
  app.session = null
  app.units = []
  app.settings = null
}

export async function signOut() {
  await api.signOut()
  app.session = null
  resetNotices()
  resetLedgerState(null)
}

export function unitName(id: string | null | undefined): string {
  if (!id) return ''
  return app.units.find((u) => u.id === id)?.name ?? id
}

export function unitsOfKind(kind: Unit['kind'], activeOnly = true): Unit[] {
  return app.units.filter((u) => u.kind === kind && (!activeOnly || u.active))
}

// The one door to the Rust side. Every screen calls these typed wrappers; nothing else
// calls `invoke` (biome.jsonc refuses the import elsewhere). Names, arguments and results are
// checked against ../bindings/commands.ts, generated from the Rust signatures. To talk
// to an HTTP server later, swap this module and keep its exports.

import { Channel, type InvokeArgs, invoke } from '@tauri-apps/api/core'

import type { ApiError as ApiErrorBody } from '../bindings/ApiError'
import type { CalendarFormat } from '../bindings/CalendarFormat'
import type { CommandName, Commands } from '../bindings/commands'
import type { DocumentKind } from '../bindings/DocumentKind'
import type { Command } from '../bindings/Command'
import type { ConsoleTab } from '../bindings/ConsoleTab'
import type { ExportFormat } from '../bindings/ExportFormat'
import type { IndicatorImportOptions } from '../bindings/IndicatorImportOptions'
import type { MonitoringSheet } from '../bindings/MonitoringSheet'
import type { ImportKind } from '../bindings/ImportKind'
import type { ImportOptions } from '../bindings/ImportOptions'
import type { PageRequest } from '../bindings/PageRequest'
import type { Paper } from '../bindings/Paper'
import type { ProblemFilter } from '../bindings/ProblemFilter'
import type { Month } from '../bindings/Month'
import type { Progress } from '../bindings/Progress'
import type { Sort } from '../bindings/Sort'
import type { VisitImportOptions } from '../bindings/VisitImportOptions'
import type { Xun } from '../bindings/Xun'

/** A refused or failed call: the stable `code`, the English `message` (for logs) and the
 * `params` that fill the localized message (see `errorText` in ../i18n). */
export class ApiError extends Error {
  readonly code: string
  readonly params: Record<string, unknown>

  constructor(code: string, message: string, params: Record<string, unknown> = {}) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.params = params
  }

  /** Whatever `invoke` rejected with, as an ApiError. */
  static from(e: unknown): ApiError {
    if (e instanceof ApiError) return e
    if (e && typeof e === 'object' && typeof (e as ApiErrorBody).code === 'string') {
      const body = e as ApiErrorBody
      const params = body.params && typeof body.params === 'object' && !Array.isArray(body.params) ? body.params : {}
      return new ApiError(body.code, String(body.message ?? body.code), params)
    }
    if (typeof e === 'string') return new ApiError('internal', e)
    if (e instanceof Error) return new ApiError('internal', e.message)
    return new ApiError('internal', String(e))
  }
}

type Args<C extends CommandName> = Commands[C]['args']
type Returns<C extends CommandName> = Commands[C]['returns']

/** Calls a command by its name in the generated map (../bindings/commands, made from the Rust
 * list and signatures): a renamed command or argument, or a changed type, does not compile. */
async function call<C extends CommandName>(
  cmd: C,
  ...args: keyof Args<C> extends never ? [] : [Args<C>]
): Promise<Returns<C>> {
  try {
    return await invoke<Returns<C>>(cmd, (args as unknown[])[0] as InvokeArgs | undefined)
  } catch (e) {
    throw ApiError.from(e)
  }
}

export type ProgressHandler = (p: Progress) => void

function progressChannel(onProgress?: ProgressHandler): Channel<Progress> {
  return new Channel<Progress>((p) => onProgress?.(p))
}

// ---- files and session ----
export const appInfo = () => call('app_info')
export const ledgerCreate = (path: string) => call('ledger_create', { path })
export const ledgerOpen = (path: string) => call('ledger_open', { path })
export const ledgerOpenDefault = () => call('ledger_open_default')
export const ledgerOpenDemo = (onProgress?: ProgressHandler) =>
  call('ledger_open_demo', { on_progress: progressChannel(onProgress) })
export const ledgerClose = () => call('ledger_close')
/** The background check of the open ledger's chain: null while it runs. */
export const chainCheck = () => call('chain_check')
export const signInOptions = () => call('sign_in_options')
export const signIn = (login: string, password: string | null) => call('sign_in', { login, password })
export const signOut = () => call('sign_out')
export const session = () => call('session')

// ---- writes ----
const writeListeners = new Set<() => void>()
/** Registers `f` to run after every write that succeeded (an act, a batch, an import): the
 * sync store uses it to send the new events to the district server soon. Returns the undo. */
export function onWrite(f: () => void): () => void {
  writeListeners.add(f)
  return () => writeListeners.delete(f)
}
async function wrote<T>(result: Promise<T>): Promise<T> {
  const value = await result
  for (const f of writeListeners) f()
  return value
}
/** The one write path: a command run as the signed-in user. */
export const execute = (command: Command) => wrote(call('execute', { command }))
/** Several commands in one transaction: all or nothing. */
export const executeAll = (commands: Command[]) => wrote(call('execute_all', { commands }))
/** The one write path with files attached: Rust reads each path, the ledger stores the bytes
 * with the event that names them (docs/attachments.md). */
export const executeAttached = (command: Command, files: string[]) =>
  wrote(call('execute_attached', { command, files }))
/** What a picked file is (refused with the core's codes when it may not be attached). */
export const attachmentInspect = (path: string) => call('attachment_inspect', { path })
/** A stored file as a `data:` URL, for thumbnails and the larger view; null when not held. */
export const attachmentData = (sha256: string) => call('attachment_data', { sha256 })
/** Saves a stored file where the user chose. */
export const attachmentSave = (sha256: string, path: string, overwrite: boolean) =>
  call('attachment_save', { sha256, path, overwrite })
/** 存为 PDF: the page on screen printed to `path` on `paper`, without the print dialog;
 * `rows` of the answer is the pages written. */
export const savePdf = (path: string, paper: Paper, overwrite: boolean) =>
  call('save_pdf', { path, paper, overwrite })
/** Sets (or with null clears) a password; hashing happens in Rust. */
export const setPassword = (userId: string, password: string | null) =>
  call('set_password', { user_id: userId, password })
/** A fresh UUIDv7 for an entity about to be created. */
export const newId = () => call('new_id')

// ---- reads ----
export const listProblems = (filter: ProblemFilter, sort: Sort, page: PageRequest) =>
  call('list_problems', { filter, sort, page })
export const problemDetail = (problem: string) => call('problem_detail', { problem })
/** What the signed-in user may do now with each of these problems (a list's 操作 column), as the core allows. */
export const rowActions = (problemIds: string[]) => call('row_actions', { problem_ids: problemIds })
/** The signed-in user's latest notices (the bell), newest first, with the unread count. */
export const notices = (limit: number) => call('notices', { limit })
/** Marks the signed-in user's notices seen up to a position of the log (not an event). */
export const noticesSeen = (upTo: number) => call('notices_seen', { up_to: upTo })
export const inbox = (unitId: string | null = null) => call('inbox', { unit_id: unitId })
/** The 督办中心's counts, every tab's (the tabs and the menu's counts). */
export const officeConsoleCounts = () => call('office_console_counts')
/** One page of one of the 督办中心's tabs, in its order. */
export const officeConsolePage = (tab: ConsoleTab, page: PageRequest) => call('office_console_page', { tab, page })
export const suggestDeadlines = (problem: string) => call('suggest_deadlines', { problem })
export const scorecard = (period: string) => call('scorecard', { period })
export const dashboard = (period: string) => call('dashboard', { period })
/** The periodic report (the printable view and the report workbook say the same). */
export const report = (period: string) => call('report', { period })
export const listUnits = () => call('list_units')
export const listUsers = () => call('list_users')
export const listEnterprises = () => call('list_enterprises')
export const searchEnterprises = (text: string) => call('search_enterprises', { text })
export const checkCreditCode = (code: string) => call('check_credit_code_cmd', { code })
/** One visit by id (the one a problem came from). */
export const visit = (id: string) => call('visit', { id })
/** An enterprise's visits, newest first. */
export const enterpriseVisits = (enterpriseId: string) => call('enterprise_visits', { enterprise_id: enterpriseId })
/** The 走访 list, a page at a time, newest first (a township official gets only their own). */
export const visitPage = (page: PageRequest) => call('visit_page', { page })
/** 一企一档: an enterprise's page in one read (a township official gets only their own). */
export const enterpriseFile = (id: string) => call('enterprise_file', { id })
/** Key enterprises overdue for a visit (a township official's own township's). */
export const unvisitedKeyEnterprises = () => call('unvisited_key_enterprises')
// ---- monitoring (docs/monitoring.md); a township official always gets their own township ----
/** The key enterprises of a township (null: the district). */
export const keyEnterprises = (townshipId: string | null = null) => call('key_enterprises', { township_id: townshipId })
/** 重点企业主要经济指标月报 of a month. */
export const monthlyReport = (month: Month, townshipId: string | null = null) =>
  call('monthly_report', { month, township_id: townshipId })
/** One enterprise's indicator month by month to `to`, beside last year's. */
export const indicatorSeries = (enterpriseId: string, key: string, to: Month, months = 24) =>
  call('indicator_series', { enterprise_id: enterpriseId, key, to, months })
/** The 旬报 summary of one 旬. */
export const productionSummary = (month: Month, xun: Xun, townshipId: string | null = null) =>
  call('production_summary', { month, xun, township_id: townshipId })
/** The warnings board; `mine`: only those whose 包联领导 is the signed-in user. */
export const warningsBoard = (args: { townshipId?: string | null; openOnly: boolean; mine: boolean }) =>
  call('warnings_board', { township_id: args.townshipId ?? null, open_only: args.openOnly, mine: args.mine })
/** The key projects with their figures as of a month. */
export const keyProjects = (month: Month, townshipId: string | null = null) =>
  call('key_projects', { month, township_id: townshipId })
/** 重点项目进度月报 of a month: the key projects and their 合计 (the ledger's, as in the workbook). */
export const projectReport = (month: Month, townshipId: string | null = null) =>
  call('project_report', { month, township_id: townshipId })
export const projectHistory = (projectId: string) => call('project_history', { project_id: projectId })
/** Where a problem came from, when from a warning or a project's difficulties. */
export const problemOrigin = (problemId: string) => call('problem_origin', { problem_id: problemId })
export const calendarYears = () => call('calendar_years')
export const parseCalendarYear = (text: string, format: CalendarFormat, notice: string) =>
  call('parse_calendar_year', { text, format, notice })
export const getSettings = () => call('get_settings')
/** A verified copy of the ledger: to `path`, or (null) as the next automatic backup. */
export const backupNow = (path: string | null, overwrite = false) => call('backup_now', { path, overwrite })
/** Replaces the open ledger with a checked backup; signs everyone out. `force`: the user
 * confirmed restoring a backup of another ledger or an older one. */
export const restoreLedger = (from: string, force = false) => call('restore_ledger', { from, force })
/** Whether the open ledger's file was replaced or moved under the app (a restore elsewhere). */
export const ledgerReplaced = () => call('ledger_replaced')

// ---- audit (long work, with progress) ----
export const verifyChain = (onProgress?: ProgressHandler) =>
  call('verify_chain', { on_progress: progressChannel(onProgress) })
export const rebuildProjections = (onProgress?: ProgressHandler) =>
  call('rebuild_projections', { on_progress: progressChannel(onProgress) })

// ---- the district server (docs/sync.md); none needs a session ----
/** Joins the district server and opens `path`, a new replica ledger (the device then waits for
 * the office's approval). `fingerprint`: the server certificate's, as the office hands it out. */
export const syncJoin = (args: {
  path: string
  url: string
  fingerprint: string | null
  login: string
  password: string
  deviceName: string
}) =>
  call('sync_join', {
    path: args.path,
    url: args.url,
    fingerprint: args.fingerprint,
    login: args.login,
    password: args.password,
    device_name: args.deviceName,
  })
/** Where the open ledger stands with its server; null for a ledger that never joined one. */
export const syncStatus = () => call('sync_status')
/** The district's desktops, as the server lists them to the office. */
export const serverDevices = () => call('server_devices')
/** Approves (`approve`) or revokes (for good) a desktop on the server, as the office. */
export const serverDeviceDecide = (deviceId: string, approve: boolean) =>
  call('server_device_decide', { device_id: deviceId, approve })
/** Pushes this desktop's pending events, then pulls to the end. */
export const syncNow = (onProgress?: ProgressHandler) => call('sync_now', { on_progress: progressChannel(onProgress) })
/** Writes this desktop's pending events to a bundle file for a server its network never meets. */
export const bundleExport = (out: string, replace: boolean) => call('bundle_export', { out, replace })
/** Applies the server's reply bundle. */
export const bundleImport = (file: string) => call('bundle_import', { file })

// ---- spreadsheets in and out (paths come from the native dialogs, or are typed) ----
/** What a sheet would import, with the user's corrections; writes nothing. */
export const importPreview = (kind: ImportKind, path: string, options: ImportOptions) =>
  call('import_preview', { kind, path, options })
/** Imports every new row in one transaction (or nothing), as the signed-in user. */
export const importCommit = (kind: ImportKind, path: string, options: ImportOptions, onProgress?: ProgressHandler) =>
  wrote(call('import_commit', { kind, path, options, on_progress: progressChannel(onProgress) }))

/** What importing a township's visit sheet would record, row by row; writes nothing. */
export const visitImportPreview = (path: string, options: VisitImportOptions) =>
  call('visit_import_preview', { path, options })
/** Every new visit and problem of a visit sheet, in one transaction or none. */
export const visitImportCommit = (path: string, options: VisitImportOptions, onProgress?: ProgressHandler) =>
  wrote(call('visit_import_commit', { path, options, on_progress: progressChannel(onProgress) }))
/** 下载模板: the visit sheet to fill, with the district's categories. */
export const visitTemplate = (path: string, overwrite = false) => call('visit_template', { path, overwrite })

export type { ExportFormat }
/** The ledger list exactly as filtered and sorted on screen, every page. */
/** `overwrite`: the user confirmed replacing an existing file (a ledger or backup is refused all the same). */
/** The view's photos and scans into a new folder inside `parent` (docs/attachments.md). */
export const exportAttachments = (parent: string, filter: ProblemFilter, sort: Sort) =>
  call('export_attachments', { parent, filter, sort })
export const exportLedger = (
  path: string,
  format: ExportFormat,
  filter: ProblemFilter,
  sort: Sort,
  overwrite = false,
  onProgress?: ProgressHandler,
) => call('export_ledger', { path, format, filter, sort, overwrite, on_progress: progressChannel(onProgress) })
/** The periodic report workbook for a period string (see logic/period). */
export const exportReport = (path: string, period: string, overwrite = false, onProgress?: ProgressHandler) =>
  call('export_report', { path, period, overwrite, on_progress: progressChannel(onProgress) })

/** The departments that most often lead a category's problems (offered, never chosen). */
export const leadSuggestions = (category: string) => call('lead_suggestions', { category })
/** The printed document of `kind` of each problem, as issued (`document: null` when not yet). */
export const documents = (problems: string[], kind: DocumentKind) => call('documents', { problems, kind })
/** The signed-in leader's own items: problems, 批示件, paired enterprises and projects. */
export const leaderItems = (month: Month) => call('leader_items', { month })
/** A monitoring workbook (docs/monitoring.md) of the user's scope. */
export const exportMonitoring = (
  path: string,
  sheet: MonitoringSheet,
  townshipId: string | null,
  overwrite = false,
  onProgress?: ProgressHandler,
) =>
  call('export_monitoring', { path, sheet, township_id: townshipId, overwrite, on_progress: progressChannel(onProgress) })
/** What importing an indicator sheet would record, row by row; writes nothing. */
export const indicatorImportPreview = (path: string, options: IndicatorImportOptions) =>
  call('indicator_import_preview', { path, options })
/** Every row of an indicator sheet, in one transaction or none. */
export const indicatorImportCommit = (path: string, options: IndicatorImportOptions, onProgress?: ProgressHandler) =>
  wrote(call('indicator_import_commit', { path, options, on_progress: progressChannel(onProgress) }))

/** Empty filter: every problem. */
export function emptyFilter(): ProblemFilter {
  return {
    statuses: [],
    township_id: null,
    lead_unit_id: null,
    supporter_unit_id: null,
    involved_unit_id: null,
    enterprise_id: null,
    category: null,
    priority: null,
    overdue: null,
    escalation: null,
    registered_from: null,
    registered_to: null,
    deadline_from: null,
    deadline_to: null,
    text: null,
    supporter_unsettled: false,
    extension_pending: null,
    withdrawal_pending: null,
    evaluated: null,
    responsible_leader: null,
    instructed_by: null,
    paired_leader: null,
    key_levels: [],
  }
}

// The i18n catalogue: the UI's own messages (zh-CN default, en) plus the error messages by
// code shared with the CLI (../../../i18n/*.json). `errorText` is the one place an error
// becomes a sentence for people.

import { createI18n } from 'vue-i18n'

import zhErrors from '../../../i18n/zh-CN.json'
import enErrors from '../../../i18n/en.json'
import { ApiError } from '../api'
import en from './en'
import zh from './zh-CN'

export type Locale = 'zh-CN' | 'en'
export const LOCALES: Locale[] = ['zh-CN', 'en']
const LOCALE_KEY = 'taizhang.locale'

function initialLocale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem(LOCALE_KEY)
    if (saved === 'en' || saved === 'zh-CN') return saved
  } catch {
    // storage unavailable: default
  }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
  missingWarn: false,
  fallbackWarn: false,
  warnHtmlMessage: false,
})

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale
}

export function setLocale(l: Locale) {
  i18n.global.locale.value = l
  try {
    globalThis.localStorage?.setItem(LOCALE_KEY, l)
  } catch {
    // ignore
  }
  if (typeof document !== 'undefined') document.documentElement.lang = l
}

/** t() outside components. */
export function t(key: string, params?: Record<string, unknown>): string {
  return params ? i18n.global.t(key, params) : i18n.global.t(key)
}

export type EnumKind =
  | 'status'
  | 'priority'
  | 'source'
  | 'role'
  | 'unitKind'
  | 'escalation'
  | 'satisfaction'
  | 'resultType'
  | 'visitForm'
  | 'keyLevel'
  | 'scale'
  | 'action'
  | 'periodKind'
  | 'entity'
  | 'deviceState'
  | 'eventOutcome'
  | 'pace'
  | 'xun'
  | 'warningLevel'
  | 'warningSubject'
  | 'projectStage'
  | 'projectNature'
  | 'documentKind'
  | 'notice'
  | 'concern'

/** The label of an enum key (Status, Priority, Action…); the key itself if unknown. */
export function label(kind: EnumKind, key: string | null | undefined): string {
  if (key === null || key === undefined) return ''
  const path = `enums.${kind}.${key}`
  return i18n.global.te(path) ? i18n.global.t(path) : key
}

/** A problem's status as people say it: a resolved item is 待回访 until the township's callback
 * is recorded, then 待销号 (issue 19); every other status is its label. */
export function statusText(status: string, evaluated: boolean): string {
  if (status === 'resolved') return t(evaluated ? 'problem.awaitingClose' : 'problem.awaitingCallback')
  return label('status', status)
}

const ERROR_CATALOGUES: Record<Locale, Record<string, string>> = {
  'zh-CN': zhErrors.errors as Record<string, string>,
  en: enErrors.errors as Record<string, string>,
}
const UI: Record<Locale, typeof zh> = { 'zh-CN': zh, en }

// The import sections of the shared catalogue: a label for every column field key, and the
// reasons a row is skipped.
const IMPORT_FIELDS: Record<Locale, Record<string, string>> = {
  'zh-CN': zhErrors.import_fields as Record<string, string>,
  en: enErrors.import_fields as Record<string, string>,
}
// What a refusal names a user may not do, when it is not a problem action (新建单位, 导入…).
const OPERATIONS: Record<Locale, Record<string, string>> = {
  'zh-CN': zhErrors.operations as Record<string, string>,
  en: enErrors.operations as Record<string, string>,
}
const IMPORT_SKIP: Record<Locale, Record<string, string>> = {
  'zh-CN': zhErrors.import_skip as Record<string, string>,
  en: enErrors.import_skip as Record<string, string>,
}

function has(table: Record<string, string>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(table, key)
}

/** The label of an import column field (`Field`), e.g. lead_unit → 牵头单位. */
export function importFieldLabel(field: string, locale: Locale = currentLocale()): string {
  const table = IMPORT_FIELDS[locale]
  return has(table, field) ? table[field] : field
}

/** Why a row was skipped, e.g. duplicate + "2026-城关-0001" → 台账中已有（2026-城关-0001）. */
export function importSkipText(reason: string, detail: string, locale: Locale = currentLocale()): string {
  const table = IMPORT_SKIP[locale]
  if (!has(table, reason)) return detail ? `${reason} (${detail})` : reason
  return table[reason].replace(/\{detail\}/g, detail)
}

/** A row issue's code (`import.row.bad_date`…) as a sentence; the code itself if unknown. */
export function importIssueText(code: string, locale: Locale = currentLocale()): string {
  return errorText(new ApiError(code, code), locale)
}

/** A parameter value as people read it: enum keys become labels, field names and known
 * English reasons are translated; everything else is shown as given. Import errors name
 * spreadsheet fields (`Field`), labelled from the import catalogue. */
function paramText(locale: Locale, name: string, value: unknown, code = ''): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'string') return typeof value === 'object' ? JSON.stringify(value) : String(value)
  const ui = UI[locale]
  const pick = (table: Record<string, string>) => (Object.prototype.hasOwnProperty.call(table, value) ? table[value] : value)
  switch (name) {
    case 'status':
      return pick(ui.enums.status)
    case 'action':
      return Object.prototype.hasOwnProperty.call(ui.enums.action, value) ? pick(ui.enums.action) : pick(OPERATIONS[locale])
    case 'entity':
      return pick(ui.enums.entity)
    case 'field':
      return code.startsWith('import.') ? pick(IMPORT_FIELDS[locale]) : pick(ui.fieldNames)
    case 'reason':
      // Why a user may not: a key with words in both languages (ForbiddenReason).
      if (code === 'auth.forbidden') return pick(ui.enums.forbiddenReason)
      return pick(ui.reasons)
    case 'what':
      return pick(ui.reasons)
    case 'kind':
      // A document's kind (document.*): 交办通知书…
      return code.startsWith('document.') ? pick(ui.enums.documentKind) : value
    default:
      return value
  }
}

function fill(template: string, params: Record<string, unknown>, locale: Locale, code = ''): string {
  return template.replace(/\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? paramText(locale, name, params[name], code) : whole,
  )
}

const PLACEHOLDER = /\{[a-zA-Z_][a-zA-Z0-9_]*\}/

/** import.refused carries the refusal's own code (`reason_code`) and English text: the
 * localized sentence of that code when it needs no parameters, else the English text. */
function refusalParams(params: Record<string, unknown>, locale: Locale): Record<string, unknown> {
  const code = params.reason_code
  if (typeof code !== 'string') return params
  const template = ERROR_CATALOGUES[locale][code]
  if (template === undefined) return params
  const text = fill(template, params, locale, code)
  return PLACEHOLDER.test(text) ? params : { ...params, reason: text }
}

const SHELL_CODES: Record<string, keyof typeof zh.shellErrors> = {
  internal: 'internal',
}

/** The localized message of any error: an ApiError by its code and params (from the shared
 * catalogue, then the shell's own codes), falling back to the English message for unknown
 * codes. */
export function errorText(err: unknown, locale: Locale = currentLocale()): string {
  const e = ApiError.from(err)
  const template = ERROR_CATALOGUES[locale][e.code]
  if (template !== undefined) {
    const params = e.code === 'import.refused' ? refusalParams(e.params, locale) : e.params
    return fill(template, params, locale, e.code)
  }
  const shell = SHELL_CODES[e.code]
  if (shell) return fill(UI[locale].shellErrors[shell], { message: e.message, ...e.params }, locale)
  return e.message || e.code
}

const WARNINGS: Record<Locale, Record<string, string>> = {
  'zh-CN': zhErrors.warnings as Record<string, string>,
  en: enErrors.warnings as Record<string, string>,
}

/** A warning in words (docs/monitoring.md, "Early warning"): the catalogue's `warnings.<rule>`
 * filled with the figures it was raised with; the rule itself if the catalogue lacks it. */
export function warningText(rule: string, params: Record<string, unknown>, locale: Locale = currentLocale()): string {
  const table = WARNINGS[locale]
  return has(table, rule) ? fill(table[rule], params, locale) : rule
}

/** The localized reason of a DomainError value (e.g. ActionCheck.error): `{code, ...fields}`. */
export function domainErrorText(e: { code: string } & Record<string, unknown>, locale: Locale = currentLocale()): string {
  const { code, ...params } = e
  return errorText(new ApiError(code, code, params), locale)
}

/** A refusal recorded as `{code, ...fields}` (the server's reason for not applying an event,
 * kept in the ledger) in words, as the same error would read. */
export function recordedErrorText(reason: Record<string, unknown> | null | undefined, locale: Locale = currentLocale()): string {
  if (!reason) return ''
  const code = typeof reason.code === 'string' ? reason.code : 'internal'
  return errorText(new ApiError(code, String(reason.message ?? code), reason), locale)
}

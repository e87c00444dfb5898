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

/** The label of an enum key (Status, Priority, Action…); the key itself if unknown. */
export function label(kind: EnumKind, key: string | null | undefined): string {
  if (key === null || key === undefined) return ''
  const path = `enums.${kind}.${key}`
  return i18n.global.te(path) ? i18n.global.t(path) : key
}

const ERROR_CATALOGUES: Record<Locale, Record<string, string>> = {
  'zh-CN': zhErrors.errors as Record<string, string>,
  en: enErrors.errors as Record<string, string>,
}
const UI: Record<Locale, typeof zh> = { 'zh-CN': zh, en }

/** A parameter value as people read it: enum keys become labels, field names and known
 * English reasons are translated; everything else is shown as given. */
function paramText(locale: Locale, name: string, value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'string') return typeof value === 'object' ? JSON.stringify(value) : String(value)
  const ui = UI[locale]
  const pick = (table: Record<string, string>) => (Object.prototype.hasOwnProperty.call(table, value) ? table[value] : value)
  switch (name) {
    case 'status':
      return pick(ui.enums.status)
    case 'action':
      return pick(ui.enums.action)
    case 'entity':
      return pick(ui.enums.entity)
    case 'field':
      return pick(ui.fieldNames)
    case 'reason':
    case 'what':
      return pick(ui.reasons)
    default:
      return value
  }
}

function fill(template: string, params: Record<string, unknown>, locale: Locale): string {
  return template.replace(/\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? paramText(locale, name, params[name]) : whole,
  )
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
  if (template !== undefined) return fill(template, e.params, locale)
  const shell = SHELL_CODES[e.code]
  if (shell) return fill(UI[locale].shellErrors[shell], { message: e.message, ...e.params }, locale)
  return e.message || e.code
}

/** The localized reason of a DomainError value (e.g. ActionCheck.error): `{code, ...fields}`. */
export function domainErrorText(e: { code: string } & Record<string, unknown>, locale: Locale = currentLocale()): string {
  const { code, ...params } = e
  return errorText(new ApiError(code, code, params), locale)
}

import { describe, expect, it } from 'vitest'

import zhErrors from '../../i18n/zh-CN.json'
import enErrors from '../../i18n/en.json'
import type { Action } from '../src/bindings/Action'
import type { Status } from '../src/bindings/Status'
import { label, setLocale } from '../src/i18n'
import en from '../src/i18n/en'
import zh from '../src/i18n/zh-CN'

function keys(o: unknown, prefix = ''): string[] {
  if (!o || typeof o !== 'object') return [prefix]
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}

describe('catalogues', () => {
  it('has the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort())
  })

  it('labels every status and action key', () => {
    const statuses: Record<Status, true> = {
      registered: true, assigned: true, in_progress: true, disputed: true, resolved: true, closed: true, withdrawn: true,
    }
    const actions: Record<Action, true> = {
      resolve_locally: true, assign: true, sign: true, acknowledge: true, return: true, rule_return: true, note_progress: true,
      submit_opinion: true, waive_opinion: true, request_extension: true, rule_extension: true, urge: true, resolve: true,
      evaluate: true, close: true, request_withdrawal: true, rule_withdrawal: true, instruct: true,
    }
    setLocale('zh-CN')
    for (const s of Object.keys(statuses)) expect(label('status', s)).not.toBe(s)
    for (const a of Object.keys(actions)) expect(label('action', a)).not.toBe(a)
    expect(label('status', 'in_progress')).toBe('办理中')
    expect(label('escalation', 'yellow')).toBe('黄牌')
    setLocale('en')
    expect(label('action', 'rule_return')).toBe('Rule on return')
    setLocale('zh-CN')
  })

  it('has a label for every timeline event kind of the summaries', () => {
    expect(Object.keys(zh.timeline.kind).length).toBeGreaterThanOrEqual(32)
  })

  it('uses the shared error catalogue, the same codes in both languages', () => {
    expect(Object.keys(enErrors.errors).sort()).toEqual(Object.keys(zhErrors.errors).sort())
  })
})

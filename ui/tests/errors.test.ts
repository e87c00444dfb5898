import { describe, expect, it } from 'vitest'

import { ApiError } from '../src/api'
import { domainErrorText, errorText, importIssueText } from '../src/i18n'

describe('errorText', () => {
  it('fills the Chinese message of a code with its params', () => {
    const e = new ApiError('return.window_closed', 'the objection window closed on 2026-03-03', { deadline: '2026-03-03' })
    expect(errorText(e, 'zh-CN')).toBe('异议期已于 2026-03-03 结束，不能再退回')
  })

  it('shows status and action params as their labels', () => {
    const e = new ApiError('workflow.invalid_state', 'cannot sign a problem that is closed', { action: 'sign', status: 'closed' })
    expect(errorText(e, 'zh-CN')).toBe('当前状态（已销号）不能执行“签收”')
    expect(errorText(e, 'en')).toBe('cannot Sign a problem that is Closed')
  })

  it('translates field names and known English reasons', () => {
    expect(errorText(new ApiError('input.required', 'reason is required', { field: 'reason' }), 'zh-CN')).toBe('请填写：理由')
    // A refusal reads in Chinese throughout: the action by its label, the reason by its key.
    const forbidden = new ApiError('auth.forbidden', 'x', { user: 'gx', action: 'assign', reason: 'office_only' })
    expect(errorText(forbidden, 'zh-CN')).toBe('用户 gx 无权交办：只有区企业服务年办公室可以办理')
    const notAction = new ApiError('auth.forbidden', 'x', { user: 'cg', action: 'create_unit', reason: 'office_only' })
    expect(errorText(notAction, 'zh-CN')).toBe('用户 cg 无权新建单位：只有区企业服务年办公室可以办理')
    expect(errorText(forbidden, 'en')).toBe('gx may not Assign: only the coordinating office may do this')
  })

  it('falls back to the English message for unknown codes', () => {
    const e = new ApiError('brand.new_code', 'something new went wrong', { a: 1 })
    expect(errorText(e, 'zh-CN')).toBe('something new went wrong')
  })

  it('takes the shell codes from the shared catalogue too', () => {
    expect(errorText(new ApiError('ledger.not_open', 'open a ledger first'), 'zh-CN')).toBe('请先打开台账')
    expect(errorText(new ApiError('auth.not_signed_in', 'x'), 'zh-CN')).toBe('请先登录')
    expect(errorText(new ApiError('auth.not_signed_in', 'x'), 'en')).toBe('sign in first')
  })

  it('accepts what invoke rejects with: an error body, a string, an Error', () => {
    expect(errorText({ code: 'extension.pending', message: 'x', params: {} }, 'zh-CN')).toBe('已有延期申请等待办公室审批')
    expect(errorText('invalid args `command`', 'zh-CN')).toBe('内部错误：invalid args `command`')
    expect(ApiError.from(new Error('boom')).code).toBe('internal')
  })

  it('leaves a placeholder alone when its param is missing', () => {
    expect(errorText(new ApiError('input.too_long', 'x', { field: 'description' }), 'zh-CN')).toBe('问题描述 超过 {max} 个字符')
  })

  it('localizes a DomainError value from ActionCheck.error', () => {
    expect(domainErrorText({ code: 'extension.too_late', deadline: '2026-04-01', notice_days: 2 }, 'zh-CN')).toBe(
      '延期须在办理时限 2026-04-01 前至少 2 个工作日申请',
    )
  })
})

describe('import texts', () => {
  it('translates row issue codes, skip reasons and field names', async () => {
    const { importFieldLabel, importSkipText } = await import('../src/i18n')
    expect(importIssueText('import.row.bad_date', 'zh-CN')).toBe('无法识别的日期')
    expect(importIssueText('import.row.bad_date', 'en')).toBe('Not a date')
    expect(importSkipText('duplicate', '2026-城关-0001', 'zh-CN')).toBe('台账中已有（2026-城关-0001）')
    expect(importSkipText('duplicate_in_file', '7', 'en')).toBe('repeats row 7')
    expect(importSkipText('blank', '', 'zh-CN')).toBe('空行')
    expect(importSkipText('brand_new', 'x', 'zh-CN')).toBe('brand_new (x)')
    expect(importFieldLabel('lead_unit', 'zh-CN')).toBe('牵头单位')
    expect(importFieldLabel('lead_unit', 'en')).toBe('Lead unit')
  })

  it('explains a missing required column as a row issue', () => {
    expect(importIssueText('import.missing_column', 'zh-CN')).toBe('表格中没有这一必需的列，请在列对应中指定哪一列是它')
  })

  it('localizes the reason of a refused row when its code needs no parameters', () => {
    const refused = new ApiError('import.refused', 'x', { row: 7, reason_code: 'auth.not_signed_in', reason: 'sign in first' })
    expect(errorText(refused, 'zh-CN')).toBe('第 7 行被拒绝：请先登录；未导入任何数据')
    const other = new ApiError('import.refused', 'x', { row: 8, reason_code: 'return.window_closed', reason: 'the window closed' })
    expect(errorText(other, 'zh-CN')).toBe('第 8 行被拒绝：the window closed；未导入任何数据')
  })
})

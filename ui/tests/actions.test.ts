import { describe, expect, it } from 'vitest'

import type { SuggestedDeadlines } from '../src/bindings/SuggestedDeadlines'
import { buildCommand, emptyActionForm, MissingChoice, missingChoice } from '../src/logic/actions'

const sug: SuggestedDeadlines = {
  sign_deadline: '2026-03-06',
  objection_deadline: '2026-03-06',
  supporter_deadline: '2026-03-10',
  handling_deadline: '2026-03-20',
  handling_days: 10,
}

describe('action forms to commands', () => {
  it('sends an unchanged suggested deadline as no override, a changed one as an override', () => {
    const f = emptyActionForm(sug)
    f.assign.lead_unit_id = 'gx'
    f.assign.handler = ' 李四 '
    f.assign.supporters = [
      { unit_id: 'zj', sub_deadline: null },
      { unit_id: 'zr', sub_deadline: '2026-03-12' },
    ]
    f.assign.handling_deadline = '2026-03-27'
    expect(buildCommand('assign', 'p1', f, sug)).toEqual({
      action: 'assign',
      problem_id: 'p1',
      request: {
        lead_unit_id: 'gx',
        handler: '李四',
        supporters: [
          { unit_id: 'zj', sub_deadline: null },
          { unit_id: 'zr', sub_deadline: '2026-03-12' },
        ],
        sign_deadline: null,
        handling_deadline: '2026-03-27',
      },
    })
  })

  it('chooses nothing for the user: a ruling, an approval, a level, a result or a satisfaction starts unset', () => {
    const f = emptyActionForm(sug)
    const choices = [
      ['rule_return', 'ruling'],
      ['rule_extension', 'approve'],
      ['rule_withdrawal', 'approve'],
      ['urge', 'level'],
      ['resolve', 'result_type'],
      ['evaluate', 'satisfaction'],
    ] as const
    for (const [action, field] of choices) {
      expect(missingChoice(action, f)).toBe(field)
      expect(() => buildCommand(action, 'p1', f, sug)).toThrow(MissingChoice)
    }
    f.satisfaction = 'basic'
    expect(missingChoice('evaluate', f)).toBeNull()
    expect(buildCommand('evaluate', 'p1', f, sug)).toEqual({ action: 'evaluate', problem_id: 'p1', satisfaction: 'basic', comment: '' })
    expect(missingChoice('close', f)).toBeNull()
  })

  it('builds both rulings on a return', () => {
    const f = emptyActionForm(sug)
    f.note = '维持'
    f.ruling = 'uphold'
    expect(buildCommand('rule_return', 'p1', f, sug)).toEqual({ action: 'rule_return', problem_id: 'p1', ruling: { ruling: 'uphold' }, note: '维持' })
    f.ruling = 'reassign'
    f.assign.lead_unit_id = 'zr'
    const c = buildCommand('rule_return', 'p1', f, sug)
    expect(c).toMatchObject({ action: 'rule_return', ruling: { ruling: 'reassign', lead_unit_id: 'zr', sign_deadline: null } })
  })

  it('carries the fields each command needs', () => {
    const f = emptyActionForm()
    f.approve = false
    f.note = '不同意'
    expect(buildCommand('rule_withdrawal', 'p', f, null)).toEqual({ action: 'rule_withdrawal', problem_id: 'p', approve: false, note: '不同意' })
    f.reason = '企业已自行解决'
    f.new_deadline = '2026-05-01'
    expect(buildCommand('request_extension', 'p', f, null)).toEqual({
      action: 'request_extension',
      problem_id: 'p',
      new_deadline: '2026-05-01',
      reason: '企业已自行解决',
    })
    expect(buildCommand('acknowledge', 'p', f, null)).toEqual({ action: 'acknowledge', problem_id: 'p' })
  })
})

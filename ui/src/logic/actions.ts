// The form behind each problem action, and the Command it becomes. Which actions are
// offered comes only from ProblemDetail.actions; whether a command is accepted only from
// the core.

import type { Action } from '../bindings/Action'
import type { Command } from '../bindings/Command'
import type { Escalation } from '../bindings/Escalation'
import type { ResultType } from '../bindings/ResultType'
import type { Satisfaction } from '../bindings/Satisfaction'
import type { SuggestedDeadlines } from '../bindings/SuggestedDeadlines'
import { assignRequest, emptyAssignModel, type AssignModel } from './assign'

export interface ActionForm {
  reason: string
  proposed_unit_id: string
  ruling: 'uphold' | 'reassign'
  note: string
  assign: AssignModel
  new_deadline: string
  approve: boolean
  level: Escalation
  notice: string
  result_type: ResultType
  result_text: string
  explanation: string
  satisfaction: Satisfaction
  comment: string
  unit_id: string
  text: string
  stage_reply: boolean
  opinion: string
  handler: string
}

export function emptyActionForm(suggested: SuggestedDeadlines | null = null): ActionForm {
  return {
    reason: '',
    proposed_unit_id: '',
    ruling: 'uphold',
    note: '',
    assign: emptyAssignModel(suggested),
    new_deadline: '',
    approve: true,
    level: 'reminder',
    notice: '',
    result_type: 'solved',
    result_text: '',
    explanation: '',
    satisfaction: 'satisfied',
    comment: '',
    unit_id: '',
    text: '',
    stage_reply: false,
    opinion: '',
    handler: '',
  }
}

/** Actions whose form needs the suggested deadlines. */
export function needsSuggestion(action: Action): boolean {
  return action === 'assign' || action === 'rule_return'
}

export function buildCommand(
  action: Action,
  problem_id: string,
  f: ActionForm,
  suggested: SuggestedDeadlines | null,
): Command {
  switch (action) {
    case 'resolve_locally':
      return { action, problem_id, result_text: f.result_text }
    case 'assign':
      return { action, problem_id, request: assignRequest(f.assign, suggested) }
    case 'sign':
      return { action, problem_id, handler: f.handler }
    case 'acknowledge':
      return { action, problem_id }
    case 'return':
      return { action, problem_id, reason: f.reason, proposed_unit_id: f.proposed_unit_id }
    case 'rule_return':
      return {
        action,
        problem_id,
        note: f.note,
        ruling: f.ruling === 'uphold' ? { ruling: 'uphold' } : { ruling: 'reassign', ...assignRequest(f.assign, suggested) },
      }
    case 'note_progress':
      return { action, problem_id, text: f.text, stage_reply: f.stage_reply }
    case 'submit_opinion':
      return { action, problem_id, opinion: f.opinion }
    case 'waive_opinion':
      return { action, problem_id, unit_id: f.unit_id, reason: f.reason }
    case 'request_extension':
      return { action, problem_id, new_deadline: f.new_deadline, reason: f.reason }
    case 'rule_extension':
      return { action, problem_id, approve: f.approve, note: f.note }
    case 'urge':
      return { action, problem_id, level: f.level, notice: f.notice }
    case 'resolve':
      return { action, problem_id, result_type: f.result_type, result_text: f.result_text, explanation: f.explanation }
    case 'evaluate':
      return { action, problem_id, satisfaction: f.satisfaction, comment: f.comment }
    case 'close':
      return { action, problem_id, note: f.note }
    case 'request_withdrawal':
      return { action, problem_id, reason: f.reason }
    case 'rule_withdrawal':
      return { action, problem_id, approve: f.approve, note: f.note }
    case 'instruct':
      return { action, problem_id, text: f.text }
  }
}

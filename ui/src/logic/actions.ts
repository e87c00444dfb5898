// The form behind each problem action, and the Command it becomes. Which actions are
// offered comes only from ProblemDetail.actions; whether a command is accepted only from
// the core. No choice is made for the user: a ruling, an approval, an urge's level, a result
// type or a satisfaction starts unset (`null`), so a 满意 or 同意 is never recorded because
// it was preselected (issue 19; the withdrawal rules protect exactly that figure).

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
  ruling: 'uphold' | 'reassign' | null
  note: string
  assign: AssignModel
  new_deadline: string
  approve: boolean | null
  level: Escalation | null
  notice: string
  result_type: ResultType | null
  result_text: string
  explanation: string
  satisfaction: Satisfaction | null
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
    ruling: null,
    note: '',
    assign: emptyAssignModel(suggested),
    new_deadline: '',
    approve: null,
    level: null,
    notice: '',
    result_type: null,
    result_text: '',
    explanation: '',
    satisfaction: null,
    comment: '',
    unit_id: '',
    text: '',
    stage_reply: false,
    opinion: '',
    handler: '',
  }
}

/** The choice the user has still to make before the action can be sent (its field's name in
 *  the form), or null when nothing is missing. */
export function missingChoice(action: Action, f: ActionForm): keyof ActionForm | null {
  switch (action) {
    case 'rule_return':
      return f.ruling === null ? 'ruling' : null
    case 'rule_extension':
    case 'rule_withdrawal':
      return f.approve === null ? 'approve' : null
    case 'urge':
      return f.level === null ? 'level' : null
    case 'resolve':
      return f.result_type === null ? 'result_type' : null
    case 'evaluate':
      return f.satisfaction === null ? 'satisfaction' : null
    default:
      return null
  }
}

/** Thrown by `buildCommand` when a choice is still unset (the dialog does not send then). */
export class MissingChoice extends Error {
  constructor(readonly field: keyof ActionForm) {
    super(`choose ${String(field)} first`)
  }
}

function chosen<T>(v: T | null, field: keyof ActionForm): T {
  if (v === null) throw new MissingChoice(field)
  return v
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
        ruling:
          chosen(f.ruling, 'ruling') === 'uphold'
            ? { ruling: 'uphold' }
            : { ruling: 'reassign', ...assignRequest(f.assign, suggested) },
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
      return { action, problem_id, approve: chosen(f.approve, 'approve'), note: f.note }
    case 'urge':
      return { action, problem_id, level: chosen(f.level, 'level'), notice: f.notice }
    case 'resolve':
      return {
        action,
        problem_id,
        result_type: chosen(f.result_type, 'result_type'),
        result_text: f.result_text,
        explanation: f.explanation,
      }
    case 'evaluate':
      return { action, problem_id, satisfaction: chosen(f.satisfaction, 'satisfaction'), comment: f.comment }
    case 'close':
      return { action, problem_id, note: f.note }
    case 'request_withdrawal':
      return { action, problem_id, reason: f.reason }
    case 'rule_withdrawal':
      return { action, problem_id, approve: chosen(f.approve, 'approve'), note: f.note }
    case 'instruct':
      return { action, problem_id, text: f.text }
  }
}

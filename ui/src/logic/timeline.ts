// A human sentence for each timeline event, from its kind and payload. Unit ids are shown as
// names through `unitName`; enum keys as labels.

import type { JsonValue } from '../bindings/serde_json/JsonValue'
import { label, t } from '../i18n'

type Obj = { [key: string]: JsonValue }

function obj(v: JsonValue | undefined): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {}
}
function str(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return ''
  return typeof v === 'string' ? v : String(v)
}

/** The timeline label of an event kind ("交办", "签收"…); the kind itself if unknown. */
export function eventKindLabel(kind: string): string {
  const key = `timeline.kind.${kind}`
  const s = t(key)
  return s === key ? kind : s
}

export function summarizeEvent(kind: string, payload: JsonValue, unitName: (id: string) => string): string {
  const p = obj(payload)
  const unit = (k = 'unit_id') => unitName(str(p[k]))
  const S = (key: string, params: Record<string, unknown> = {}) => t(`timeline.summary.${key}`, params).trim()
  const terms = obj(p.terms)
  const supporters = Array.isArray(terms.supporters) ? terms.supporters.map((s) => obj(s)) : []
  const supportersPart = supporters.length
    ? S('supportersPart', {
        list: supporters.map((s) => `${unitName(str(s.unit_id))}（${str(s.sub_deadline)}）`).join('、'),
      })
    : ''
  switch (kind) {
    case 'problem_registered':
      return S('problem_registered', {
        number: str(p.number),
        source: label('source', str(p.source)),
        category: str(p.category),
        priority: label('priority', str(p.priority)),
        description: str(p.description),
      })
    case 'problem_imported': {
      const row = obj(p.row)
      const origin = obj(row.origin)
      // The handler and the progress text come from the sheet's row: said so, with the row.
      const lead = str(terms.lead_unit_id)
      const handler = str(terms.handler) || str(row.handler)
      const progress = str(row.progress).trim()
      return (
        S('problem_imported', {
          number: str(p.number),
          file: str(origin.file),
          sheet: str(origin.sheet),
          row: str(origin.row),
          status: label('status', str(row.status)),
          description: str(row.description),
        }) +
        (lead && handler ? S('importedLeadPart', { lead: unitName(lead), handler }) : '') +
        (progress ? S('importedProgressPart', { sheet: str(origin.sheet), row: str(origin.row), progress }) : '')
      )
    }
    case 'resolved_locally':
      return S('resolved_locally', { text: str(p.result_text) })
    case 'assigned':
      return (
        S('assigned', {
          lead: unitName(str(terms.lead_unit_id)),
          handler: str(terms.handler),
          sign: str(terms.sign_deadline),
          handling: str(terms.handling_deadline),
        }) + supportersPart
      )
    case 'signed':
      return S('signed', { unit: unit(), handler: str(p.handler) })
    case 'support_acknowledged':
      return S('support_acknowledged', { unit: unit() })
    case 'returned':
      return S('returned', { unit: unit(), proposed: unit('proposed_unit_id'), reason: str(p.reason) })
    case 'return_upheld':
      return S('return_upheld', { sign: str(p.sign_deadline), note: str(p.note) })
    case 'reassigned':
      return (
        S('reassigned', {
          lead: unitName(str(terms.lead_unit_id)),
          sign: str(terms.sign_deadline),
          handling: str(terms.handling_deadline),
          note: str(p.note),
        }) + supportersPart
      )
    case 'progress_noted':
      return S(p.stage_reply === true ? 'progress_stage' : 'progress_noted', { unit: unit(), text: str(p.text) })
    case 'opinion_submitted':
      return S('opinion_submitted', { unit: unit(), text: str(p.opinion) })
    case 'opinion_waived':
      return S('opinion_waived', { unit: unit(), reason: str(p.reason) })
    case 'extension_requested':
      return S('extension_requested', { unit: unit(), date: str(p.new_deadline), reason: str(p.reason) })
    case 'extension_ruled':
      return S(p.approved === true ? 'extension_approved' : 'extension_refused', { note: str(p.note) })
    case 'urged':
      return S('urged', { level: label('escalation', str(p.level)), notice: str(p.notice) })
    case 'resolved': {
      const explanation = str(p.explanation)
      return (
        S('resolved', { unit: unit(), type: label('resultType', str(p.result_type)), text: str(p.result_text) }) +
        (explanation ? S('resolvedExplanation', { text: explanation }) : '')
      )
    }
    case 'evaluated': {
      const reopen = str(p.reopen_deadline)
      return (
        S('evaluated', { satisfaction: label('satisfaction', str(p.satisfaction)), comment: str(p.comment) }) +
        (reopen ? S('evaluatedReopen', { date: reopen }) : '')
      )
    }
    case 'closed':
      return S('closed', { note: str(p.note) })
    case 'withdrawal_requested':
      return S('withdrawal_requested', { reason: str(p.reason) })
    case 'withdrawal_ruled':
      return S(p.approved === true ? 'withdrawal_approved' : 'withdrawal_refused', { note: str(p.note) })
    case 'instructed':
      return S('instructed', { text: str(p.text) })
    default:
      return eventKindLabel(kind)
  }
}

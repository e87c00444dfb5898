// A human sentence for each timeline event, from its typed body (the generated `EventBody`
// union: `kind` says which payload it carries). Unit ids are shown as names through
// `unitName`; enum keys as labels.

import type { AssignmentTerms } from '../bindings/AssignmentTerms'
import type { EventBody } from '../bindings/EventBody'
import { label, t } from '../i18n'

/** The timeline label of an event kind ("交办", "签收"…); the kind itself if unknown. */
export function eventKindLabel(kind: string): string {
  const key = `timeline.kind.${kind}`
  const s = t(key)
  return s === key ? kind : s
}

export function summarizeEvent(event: EventBody, unitName: (id: string) => string): string {
  const S = (key: string, params: Record<string, unknown> = {}) => t(`timeline.summary.${key}`, params).trim()
  const supportersPart = (terms: AssignmentTerms | null) =>
    terms?.supporters.length
      ? S('supportersPart', {
          list: terms.supporters.map((s) => `${unitName(s.unit_id)}（${s.sub_deadline}）`).join('、'),
        })
      : ''
  switch (event.kind) {
    case 'problem_registered': {
      const p = event.payload
      return S('problem_registered', {
        number: p.number,
        source: label('source', p.source),
        category: p.category,
        priority: label('priority', p.priority),
        description: p.description,
      })
    }
    case 'problem_imported': {
      const { number, terms, row } = event.payload
      // The handler and the progress text come from the sheet's row: said so, with the row.
      const lead = terms?.lead_unit_id ?? ''
      const handler = terms?.handler || row.handler
      const progress = row.progress.trim()
      const { file, sheet } = row.origin
      const rowNumber = row.origin.row
      return (
        S('problem_imported', { number, file, sheet, row: rowNumber, status: label('status', row.status), description: row.description }) +
        (lead && handler ? S('importedLeadPart', { lead: unitName(lead), handler }) : '') +
        (progress ? S('importedProgressPart', { sheet, row: rowNumber, progress }) : '')
      )
    }
    case 'resolved_locally':
      return S('resolved_locally', { text: event.payload.result_text })
    case 'assigned': {
      const { terms } = event.payload
      return (
        // No empty "承办人；" when the office named no handler.
        S(terms.handler.trim() ? 'assigned' : 'assignedNoHandler', {
          lead: unitName(terms.lead_unit_id),
          handler: terms.handler,
          sign: terms.sign_deadline,
          handling: terms.handling_deadline,
        }) + supportersPart(terms)
      )
    }
    case 'signed':
      return S(event.payload.handler.trim() ? 'signed' : 'signedNoHandler', {
        unit: unitName(event.payload.unit_id),
        handler: event.payload.handler,
      })
    case 'support_acknowledged':
      return S('support_acknowledged', { unit: unitName(event.payload.unit_id) })
    case 'returned': {
      const p = event.payload
      return S('returned', { unit: unitName(p.unit_id), proposed: unitName(p.proposed_unit_id), reason: p.reason })
    }
    case 'return_upheld':
      return S('return_upheld', { sign: event.payload.sign_deadline, note: event.payload.note })
    case 'reassigned': {
      const { terms, note } = event.payload
      return (
        S('reassigned', {
          lead: unitName(terms.lead_unit_id),
          sign: terms.sign_deadline,
          handling: terms.handling_deadline,
          note,
        }) + supportersPart(terms)
      )
    }
    case 'progress_noted': {
      const p = event.payload
      return S(p.stage_reply ? 'progress_stage' : 'progress_noted', { unit: unitName(p.unit_id), text: p.text })
    }
    case 'opinion_submitted':
      return S('opinion_submitted', { unit: unitName(event.payload.unit_id), text: event.payload.opinion })
    case 'opinion_waived':
      return S('opinion_waived', { unit: unitName(event.payload.unit_id), reason: event.payload.reason })
    case 'extension_requested': {
      const p = event.payload
      return S('extension_requested', { unit: unitName(p.unit_id), date: p.new_deadline, reason: p.reason })
    }
    case 'extension_ruled':
      return S(event.payload.approved ? 'extension_approved' : 'extension_refused', { note: event.payload.note })
    case 'urged':
      return S('urged', { level: label('escalation', event.payload.level), notice: event.payload.notice })
    case 'resolved': {
      const p = event.payload
      return (
        S('resolved', { unit: unitName(p.unit_id), type: label('resultType', p.result_type), text: p.result_text }) +
        (p.explanation ? S('resolvedExplanation', { text: p.explanation }) : '')
      )
    }
    case 'evaluated': {
      const p = event.payload
      return (
        S('evaluated', { satisfaction: label('satisfaction', p.satisfaction), comment: p.comment }) +
        (p.reopen_deadline ? S('evaluatedReopen', { date: p.reopen_deadline }) : '')
      )
    }
    case 'closed':
      return S('closed', { note: event.payload.note })
    case 'withdrawal_requested':
      return S('withdrawal_requested', { reason: event.payload.reason })
    case 'withdrawal_ruled':
      return S(event.payload.approved ? 'withdrawal_approved' : 'withdrawal_refused', { note: event.payload.note })
    case 'instructed':
      return S('instructed', { text: event.payload.text })
    case 'document_issued':
      return S('document_issued', { kind: label('documentKind', event.payload.kind), number: event.payload.number })
    default:
      // Not a problem event (a problem's timeline holds none), or a kind newer than this UI.
      return eventKindLabel((event as { kind: string }).kind)
  }
}

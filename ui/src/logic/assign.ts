// Turning the assign form into an AssignRequest. Deadlines come prefilled from
// `suggest_deadlines`; only a date the user changed is sent as an override, so the core's
// computation stays the one that counts.

import type { AssignRequest } from '../bindings/AssignRequest'
import type { SuggestedDeadlines } from '../bindings/SuggestedDeadlines'
import type { SupporterRequest } from '../bindings/SupporterRequest'

export interface AssignModel {
  lead_unit_id: string
  handler: string
  supporters: SupporterRequest[]
  sign_deadline: string
  handling_deadline: string
}

export function emptyAssignModel(s: SuggestedDeadlines | null = null): AssignModel {
  return {
    lead_unit_id: '',
    handler: '',
    supporters: [],
    sign_deadline: s?.sign_deadline ?? '',
    handling_deadline: s?.handling_deadline ?? '',
  }
}

function override(value: string | null | undefined, suggested: string | undefined): string | null {
  if (!value) return null
  return value === suggested ? null : value
}

export function assignRequest(m: AssignModel, s: SuggestedDeadlines | null): AssignRequest {
  return {
    lead_unit_id: m.lead_unit_id,
    handler: m.handler.trim(),
    supporters: m.supporters.map((x) => ({
      unit_id: x.unit_id,
      sub_deadline: override(x.sub_deadline, s?.supporter_deadline),
    })),
    sign_deadline: override(m.sign_deadline, s?.sign_deadline),
    handling_deadline: override(m.handling_deadline, s?.handling_deadline),
  }
}

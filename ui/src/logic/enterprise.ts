import type { Enterprise } from '../bindings/Enterprise'

/** A blank enterprise with a fresh id, in the given township. */
export function blankEnterprise(id: string, township_id: string): Enterprise {
  return {
    id,
    name: '',
    credit_code: null,
    township_id,
    industry: '',
    scale: 'below',
    key_level: 'general',
    address: '',
    contact: '',
    phone: '',
    steward: '',
    paired_leader: '',
  }
}

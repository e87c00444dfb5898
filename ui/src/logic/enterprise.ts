import type { Amount } from '../bindings/Amount'
import type { Enterprise } from '../bindings/Enterprise'
import type { FileMonitoring } from '../bindings/FileMonitoring'

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

/** The address of an enterprise's page (一企一档). */
export function enterprisePath(id: string): string {
  return `/app/enterprise/${encodeURIComponent(id)}`
}

/** One line of the page's monthly figures: a month and, per indicator, the month's value and
 * its 同比 as the ledger computed them (`—` where unreported). */
export type FigureLine = { month: string; reported: boolean; late: boolean; cells: { value: string; yoy: string; down: boolean }[] }

/** The file's months as lines, newest first, one cell per indicator in the district's order. */
export function figureLines(
  m: FileMonitoring,
  format: (a: Amount | null) => string,
  percent: (x: number | null) => string,
): FigureLine[] {
  return m.months.map((x) => ({
    month: `${x.month.year}-${String(x.month.month).padStart(2, '0')}`,
    reported: x.reported,
    late: x.late,
    cells: m.indicators.map((def) => {
      const f = x.figures.find((g) => g.key === def.key)
      return { value: format(f?.value ?? null), yoy: percent(f?.yoy ?? null), down: (f?.yoy ?? 0) < 0 }
    }),
  }))
}

// Measuring a print view's flow for `paginate` (logic/paginate.ts): the view draws every item
// whole, once, in a sheet's body at the printed width, and this reads the heights off the DOM.
// The markup it reads:
//   [data-flow="id"]        an item, a child of the body (a flex column, so margins add up
//                           and do not collapse: an item's height is its box and its margins);
//   [data-flow-caption]     in a table item, what opens it; its [data-flow-once] parts (a note)
//                           are left out of a continued piece;
//   table[data-flow-table]  the table whose header repeats and whose body rows split.

import type { FlowItem } from './paginate'

export interface MeasuredFlow {
  items: FlowItem[]
  /** The body's height: what a sheet holds. */
  capacity: number
  /** Each table's column widths as laid out whole, to hold them the same on every sheet. */
  widths: Record<string, number[]>
}

function margins(el: Element): number {
  const s = getComputedStyle(el)
  return (parseFloat(s.marginTop) || 0) + (parseFloat(s.marginBottom) || 0)
}

function outer(el: Element): number {
  return el.getBoundingClientRect().height + margins(el)
}

/** The items in `body`, in order; those named in `breakBefore` start a sheet. */
export function measureFlow(body: HTMLElement, breakBefore: ReadonlySet<string> = new Set()): MeasuredFlow {
  const items: FlowItem[] = []
  const widths: Record<string, number[]> = {}
  for (const el of Array.from(body.children)) {
    if (!(el instanceof HTMLElement) || !el.dataset.flow) continue
    const id = el.dataset.flow
    const table = el.querySelector<HTMLTableElement>('table[data-flow-table]')
    const rows = table ? Array.from(table.querySelectorAll(':scope > tbody > tr')) : []
    if (!table || !rows.length) {
      items.push({ id, caption: outer(el), breakBefore: breakBefore.has(id) })
      continue
    }
    const box = el.getBoundingClientRect()
    const top = box.top - (parseFloat(getComputedStyle(el).marginTop) || 0)
    const bottom = box.bottom + (parseFloat(getComputedStyle(el).marginBottom) || 0)
    const tableTop = table.getBoundingClientRect().top
    const tops = rows.map((r) => r.getBoundingClientRect().top)
    const caption = tableTop - top
    const captionEl = el.querySelector('[data-flow-caption]')
    const once = captionEl ? Array.from(captionEl.querySelectorAll('[data-flow-once]')).reduce((h, n) => h + outer(n), 0) : 0
    items.push({
      id,
      caption,
      header: tops[0] - tableTop,
      rows: tops.map((t, i) => (i + 1 < tops.length ? tops[i + 1] : bottom) - t),
      continuation: Math.max(0, caption - once),
      breakBefore: breakBefore.has(id),
    })
    const head = Array.from(table.querySelectorAll(':scope > thead > tr')).pop()
    if (head) widths[id] = Array.from(head.children).map((c) => c.getBoundingClientRect().width)
  }
  return { items, capacity: body.getBoundingClientRect().height, widths }
}

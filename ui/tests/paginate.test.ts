import { describe, expect, it } from 'vitest'

import { type FlowItem, paginate, unpaged } from '../src/logic/paginate'

// What each sheet holds, as `id:from-to` (a continued piece marked `+`).
const layout = (items: FlowItem[], capacity: number) =>
  paginate(items, capacity).map((s) => s.pieces.map((p) => `${p.id}:${p.from}-${p.to}${p.continued ? '+' : ''}`).join(' '))

const rows = (n: number, h = 10) => Array.from({ length: n }, () => h)

describe('paginate', () => {
  it('keeps everything on one sheet when it fits, and never makes no sheet', () => {
    expect(layout([{ id: 'head', caption: 40 }, { id: 't', caption: 10, header: 10, rows: rows(3) }], 100)).toEqual(['head:0-0 t:0-3'])
    expect(paginate([], 100)).toEqual([{ pieces: [], overflow: false }])
  })

  it('splits a table between rows and repeats its header on the next sheet', () => {
    // 40 head + 10 caption + 10 header = 60; rows of 10: 4 fit (100), the rest go on.
    const items: FlowItem[] = [
      { id: 'head', caption: 40 },
      { id: 't', caption: 10, header: 10, rows: rows(14), continuation: 5 },
    ]
    expect(layout(items, 100)).toEqual(['head:0-0 t:0-4', 't:4-12+', 't:12-14+'])
    // A continued sheet holds the continuation (5) and the header (10) again: 8 rows of 10 = 95.
    const sheets = paginate(items, 100)
    expect(sheets.every((s) => !s.overflow)).toBe(true)
  })

  it('fills a sheet exactly to its capacity, and not a pixel past it', () => {
    const t = (n: number): FlowItem => ({ id: 't', caption: 0, header: 20, rows: rows(n) })
    expect(layout([t(8)], 100)).toEqual(['t:0-8'])
    expect(layout([t(9)], 100)).toEqual(['t:0-8', 't:8-9+'])
  })

  it('keeps a heading with its header and first row: the whole opening moves on', () => {
    const items: FlowItem[] = [
      { id: 'a', caption: 75 },
      { id: 't', caption: 10, header: 10, rows: rows(3) },
    ]
    // 75 + 10 + 10 + 10 = 105 > 100: the table starts on the second sheet, not its heading alone.
    expect(layout(items, 100)).toEqual(['a:0-0', 't:0-3'])
  })

  it('moves a block that does not fit whole to the next sheet', () => {
    expect(layout([{ id: 'a', caption: 60 }, { id: 'b', caption: 50 }, { id: 'c', caption: 40 }], 100)).toEqual([
      'a:0-0',
      'b:0-0 c:0-0',
    ])
  })

  it('starts an item marked breakBefore on a sheet of its own, unless the sheet is empty', () => {
    const items: FlowItem[] = [
      { id: 'body', caption: 20 },
      { id: 'annex', caption: 10, rows: rows(2), breakBefore: true },
    ]
    expect(layout(items, 100)).toEqual(['body:0-0', 'annex:0-2'])
    expect(layout(items.slice(1), 100)).toEqual(['annex:0-2'])
  })

  it('puts something too tall on a sheet of its own, marked, and still ends', () => {
    const sheets = paginate(
      [
        { id: 'a', caption: 10 },
        { id: 'big', caption: 250 },
        { id: 't', caption: 0, header: 10, rows: [10, 300, 10] },
      ],
      100,
    )
    expect(sheets.map((s) => s.pieces.map((p) => `${p.id}:${p.from}-${p.to}`).join(' '))).toEqual([
      'a:0-0',
      'big:0-0',
      't:0-1',
      't:1-2',
      't:2-3',
    ])
    expect(sheets.map((s) => s.overflow)).toEqual([false, true, false, true, false])
  })

  it('deals every row out exactly once, in order, whatever the heights', () => {
    let seed = 7
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    for (let round = 0; round < 200; round++) {
      const items: FlowItem[] = Array.from({ length: 1 + Math.floor(next() * 6) }, (_, i) => ({
        id: `t${i}`,
        caption: Math.floor(next() * 40),
        header: Math.floor(next() * 20),
        rows: Array.from({ length: Math.floor(next() * 30) }, () => 1 + Math.floor(next() * 60)),
        continuation: Math.floor(next() * 15),
        breakBefore: next() < 0.2,
      }))
      const capacity = 80 + Math.floor(next() * 300)
      const sheets = paginate(items, capacity)
      for (const item of items) {
        const pieces = sheets.flatMap((s) => s.pieces).filter((p) => p.id === item.id)
        const covered = pieces.flatMap((p) => Array.from({ length: p.to - p.from }, (_, k) => p.from + k))
        expect(covered).toEqual(Array.from({ length: item.rows?.length ?? 0 }, (_, k) => k))
        expect(pieces.map((p) => p.continued)).toEqual(pieces.map((_, k) => k > 0))
      }
      // A sheet that is not marked overflowing holds no more than its capacity.
      for (const s of sheets) {
        const used = s.pieces.reduce((h, p) => {
          const item = items.find((i) => i.id === p.id) as FlowItem
          const rowsH = (item.rows ?? []).slice(p.from, p.to).reduce((a, b) => a + b, 0)
          return h + (p.continued ? (item.continuation ?? 0) : item.caption) + (item.header ?? 0) + rowsH
        }, 0)
        if (!s.overflow) expect(used).toBeLessThanOrEqual(capacity)
        expect(s.pieces.length).toBeGreaterThan(0)
      }
    }
  })

  it('draws every item whole to measure it', () => {
    expect(unpaged([{ id: 'head' }, { id: 't', rows: [0, 0, 0] }])).toEqual({
      pieces: [
        { id: 'head', from: 0, to: 0, continued: false },
        { id: 't', from: 0, to: 3, continued: false },
      ],
      overflow: false,
    })
  })
})

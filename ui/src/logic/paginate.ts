// Laying a printed report out as sheets of paper (docs/documents.md, "Pages"). WebKitGTK
// neither prints `@page` margin boxes (so no page numbers) nor repeats a table's header on a
// later page, so a long print view paginates itself: its blocks and table rows are measured
// once at the sheet's width, and this pure function deals them out onto sheets of a fixed
// height; the view then draws each sheet with its own footer and, where a table goes on, its
// header again. Layout only: nothing here knows what the rows mean.

/** One thing in the flow of the page, measured in CSS pixels at the sheet's width. */
export interface FlowItem {
  /** What the view draws for it (a section's name). */
  id: string
  /** What opens it (a heading, a note), printed once, kept with the header and first row. A
   *  block that never splits is an item with only this. */
  caption: number
  /** The table's header, printed again at the top of every sheet the table goes on to (0: none). */
  header?: number
  /** Its rows, in order; split between sheets only between two rows. */
  rows?: number[]
  /** What a continued piece opens with instead of the caption (the heading with "（续）"). */
  continuation?: number
  /** Starts on a sheet of its own (the annex). */
  breakBefore?: boolean
}

/** The part of an item on one sheet: its rows `from` (inclusive) to `to` (exclusive). */
export interface Piece {
  id: string
  from: number
  to: number
  /** Not its first piece: it opens with the continuation, not the caption. */
  continued: boolean
}

export interface Sheet {
  pieces: Piece[]
  /** Something on it is taller than a whole sheet (a single row or block): it is cut there. */
  overflow: boolean
}

/**
 * Deals `items` out onto sheets whose body is `capacity` pixels high: greedily, in order; a
 * block goes whole to the next sheet when it does not fit; a table breaks between rows, its
 * opening kept with its header and first row, its header repeated on each sheet it goes on
 * to. Every sheet takes at least one block or row, so the layout always ends.
 */
export function paginate(items: FlowItem[], capacity: number): Sheet[] {
  const sheets: Sheet[] = []
  let sheet: Sheet = { pieces: [], overflow: false }
  let used = 0
  const turn = () => {
    sheets.push(sheet)
    sheet = { pieces: [], overflow: false }
    used = 0
  }
  const take = (height: number) => {
    used += height
    if (used > capacity) sheet.overflow = true
  }
  for (const item of items) {
    if (item.breakBefore && sheet.pieces.length) turn()
    const rows = item.rows ?? []
    const header = item.header ?? 0
    const opening = item.caption + header + (rows[0] ?? 0)
    if (used + opening > capacity && sheet.pieces.length) turn()
    let piece: Piece = { id: item.id, from: 0, to: 0, continued: false }
    sheet.pieces.push(piece)
    take(item.caption + header)
    for (let i = 0; i < rows.length; i++) {
      if (i > piece.from && used + rows[i] > capacity) {
        piece.to = i
        turn()
        piece = { id: item.id, from: i, to: i, continued: true }
        sheet.pieces.push(piece)
        take((item.continuation ?? 0) + header)
      }
      take(rows[i])
    }
    piece.to = rows.length
  }
  if (sheet.pieces.length || !sheets.length) sheets.push(sheet)
  return sheets
}

/** Every item whole on one sheet: what the view draws to measure them. */
export function unpaged(items: Pick<FlowItem, 'id' | 'rows'>[]): Sheet {
  return { pieces: items.map((i) => ({ id: i.id, from: 0, to: i.rows?.length ?? 0, continued: false })), overflow: false }
}

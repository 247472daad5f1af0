// Where each seat of a seat map is drawn, in SVG units, and how the keyboard moves between seats.
// Shared by the seat picker and the layout editor's preview, so both draw a house the same way.

export const PITCH = 32 // distance between two seat centres
export const SEAT = 26 // a seat's side
export const SIDE = 34 // room for the row labels on either side
export const TOP = 64 // room for the screen or stage
export const BOTTOM = 12
export const SECTION = 26 // room for a section's name ("Balcony") above its first row

/** A seat's number from its label and its row's label: ("F12", "F") -> "12". */
export function seatNumber(seat, rowLabel) {
  if (seat.number != null) return String(seat.number)
  const label = String(seat.label ?? '')
  return label.startsWith(rowLabel) ? label.slice(rowLabel.length) : label
}

/**
 * Lays out rows of seats (null = a gap): shorter rows are centred, as in a real house, and a row that starts
 * a new section ("Balcony") gets the section's name above it.
 * Returns {width, height, sections: [{name, y}], rows: [{label, y, seats: [spot]}], seats: [...all, reading order]}.
 */
export function layoutSeats(rows) {
  const widest = Math.max(1, ...rows.map((row) => row.seats.length))
  const width = SIDE * 2 + widest * PITCH
  const placed = []
  const sections = []
  let y = TOP
  let section = null
  const outRows = rows.map((row, r) => {
    if (row.section && row.section !== section) {
      sections.push({ name: row.section, y: y + SECTION / 2 - 4 })
      y += SECTION
    }
    section = row.section ?? section
    const offset = ((widest - row.seats.length) * PITCH) / 2
    const seats = []
    row.seats.forEach((seat, i) => {
      if (!seat) return
      const spot = { seat, row: r, rowLabel: row.label, x: SIDE + offset + i * PITCH, y, index: placed.length }
      seats.push(spot)
      placed.push(spot)
    })
    const out = { label: row.label, y, seats }
    y += PITCH
    return out
  })
  return { width, height: y + BOTTOM, sections, rows: outRows, seats: placed }
}

/**
 * The seat the arrow key leads to from `from` (a placed seat), or null at an edge. Left/right stay in the
 * row and skip aisles; up/down go to the nearest seat (by position) in the next row that has seats.
 */
export function neighbour(layout, from, key) {
  const row = layout.rows[from.row]
  const at = row.seats.indexOf(from)
  if (key === 'ArrowLeft') return row.seats[at - 1] ?? null
  if (key === 'ArrowRight') return row.seats[at + 1] ?? null
  if (key === 'Home') return row.seats[0] ?? null
  if (key === 'End') return row.seats[row.seats.length - 1] ?? null
  const step = key === 'ArrowUp' ? -1 : key === 'ArrowDown' ? 1 : 0
  if (!step) return null
  for (let r = from.row + step; r >= 0 && r < layout.rows.length; r += step) {
    const candidates = layout.rows[r].seats
    if (!candidates.length) continue
    return candidates.reduce((best, spot) => (Math.abs(spot.x - from.x) < Math.abs(best.x - from.x) ? spot : best))
  }
  return null
}

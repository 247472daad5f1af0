// The server's rules for a seat layout, mirrored in the layout editor so that a mistake shows at once, next
// to its field. The server stays the judge (PUT /api/theatres/{id}/layout answers 422 naming the field);
// these follow backend/ticketshow/seating/layouts.py (validate_layout) and seating/schemas.py (LayoutIn).

export const LIMITS = Object.freeze({
  seats: 10_000, // seats in a layout (MAX_SEATS)
  rows: 500, // rows in a layout (MAX_ROWS)
  rowCells: 500, // seats and aisles in one row (MAX_ROW_CELLS)
  categories: 20, // MAX_CATEGORIES
  name: 60, // characters of a category's name, once trimmed (CategoryIn.name)
  pctMin: 10, // a category's price_pct, a whole number (CategoryIn.price_pct)
  pctMax: 1000,
})

/**
 * A whole number as typed in a field: "12" or " 12 " -> 12; anything else -> null ("1e3", "1.5", "-2", "",
 * "0x10", a number too long to be meant). A number (from v-model.number) is taken when it is a whole one.
 */
export function wholeNumber(raw) {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw >= 0 ? raw : null
  const text = String(raw ?? '').trim()
  return /^\d{1,9}$/.test(text) ? Number(text) : null
}

/**
 * Why a grid of `rows` × `seats` can't be built, or null when it can. The answer names a message under
 * admin.layout.limits and its parameters: {key: 'whole' | 'rows' | 'rowCells' | 'seats', params}.
 */
export function buildProblem(rows, seats) {
  const r = wholeNumber(rows)
  const s = wholeNumber(seats)
  if (r == null || s == null || r < 1 || s < 1) return { key: 'whole', params: {} }
  if (r > LIMITS.rows) return { key: 'rows', params: { max: LIMITS.rows } }
  if (s > LIMITS.rowCells) return { key: 'rowCells', params: { max: LIMITS.rowCells } }
  if (r * s > LIMITS.seats) return { key: 'seats', params: { max: LIMITS.seats, seats: r * s } }
  return null
}

/**
 * A category name as the server compares names (seating/layouts.py, name_key): trimmed, compatibility-
 * normalised and case-folded, so "VIP", " vip " and fullwidth "ＶＩＰ" are one name (Unicode's compatibility
 * caseless match, D146). Upper then lower case folds "ß" to "ss" as Python's casefold() does.
 */
export const sameName = (name) =>
  String(name ?? '')
    .trim()
    .normalize('NFKC')
    .toLocaleUpperCase('und')
    .toLocaleLowerCase('und')
    .normalize('NFKC')

/** Characters of trimmed text as the server counts them (code points, not UTF-16 units). */
export const length = (text) => [...String(text ?? '').trim()].length

/**
 * The problems of each category, in order: [{name?: {key, params}, price_pct?: {key, params}}] with `key` a
 * message under admin.layout.limits: 'nameEmpty', 'nameLong', 'nameTaken' (the same name as an earlier
 * category, ignoring case and spaces), 'pct' (not a whole number from 10 to 1000). An empty object: fine.
 */
export function categoryProblems(categories) {
  const seen = new Map() // sameName -> the earlier category's name
  return categories.map(({ name, price_pct: pct }) => {
    const problems = {}
    const folded = sameName(name)
    if (!folded) problems.name = { key: 'nameEmpty', params: {} }
    else if (length(name) > LIMITS.name)
      problems.name = { key: 'nameLong', params: { max: LIMITS.name, count: length(name) } }
    else if (seen.has(folded)) problems.name = { key: 'nameTaken', params: { name: seen.get(folded) } }
    else seen.set(folded, String(name).trim())
    const value = wholeNumber(pct)
    if (value == null || value < LIMITS.pctMin || value > LIMITS.pctMax)
      problems.price_pct = { key: 'pct', params: { min: LIMITS.pctMin, max: LIMITS.pctMax } }
    return problems
  })
}

/**
 * A 422's details as a list of [path, message]: the path split on dots and nesting ("layout.categories.2.name"
 * or {json: {categories: {2: {name: [...]}}}} -> ['categories', '2', 'name']), without the wrappers
 * ('json', 'layout', '_schema') that name no field of the editor.
 */
export function problemList(details) {
  const found = []
  const walk = (node, path) => {
    if (node == null) return
    if (typeof node === 'string') found.push([path, node])
    else if (Array.isArray(node) && node.every((x) => typeof x === 'string')) node.forEach((m) => found.push([path, m]))
    else if (Array.isArray(node)) node.forEach((x, i) => walk(x, [...path, String(i)]))
    else if (typeof node === 'object')
      for (const [key, value] of Object.entries(node))
        walk(value, [...path, ...key.split('.').filter((part) => !['json', 'layout', '_schema'].includes(part))])
  }
  if (details && typeof details === 'object') walk(details, [])
  return found
}

import { ref, watch } from 'vue'

/**
 * The sort state the admin tables share: a column and a direction, changed by a column header (sortBy),
 * the phones' "Sort by" select (chooseSort) or its direction button (flip). Figures sort largest first on
 * their first choice; the columns in `ascendingFirst` (names, times) A to Z or soonest first. `onChange`
 * runs after every change (a paged table goes back to its first page).
 * Returns {sortKey, descending, sortBy(key), chooseSort(event), flip(), ariaSort(key), sortIcon(key)}.
 */
export function useTableSort({ initial, ascendingFirst = [], onChange = () => {} }) {
  const firstDescending = (key) => !ascendingFirst.includes(key)
  const sortKey = ref(initial)
  const descending = ref(firstDescending(initial))

  function choose(key) {
    sortKey.value = key
    descending.value = firstDescending(key)
    onChange()
  }
  function sortBy(key) {
    if (sortKey.value !== key) return choose(key)
    descending.value = !descending.value
    onChange()
  }
  const chooseSort = (event) => choose(event.target.value)
  function flip() {
    descending.value = !descending.value
    onChange()
  }
  const ariaSort = (key) => (sortKey.value === key ? (descending.value ? 'descending' : 'ascending') : 'none')
  const sortIcon = (key) =>
    sortKey.value !== key ? 'bi-arrow-down-up' : descending.value ? 'bi-sort-down' : 'bi-sort-up'

  return { sortKey, descending, sortBy, chooseSort, flip, ariaSort, sortIcon }
}

/**
 * `rows` sorted by `key` (a new array): the `textKeys` columns with `collator` (a name's place in the reader's
 * alphabet), the others as figures (missing ones as 0); ties in name order, whatever the direction. The
 * tables that hold all their rows sort with it (dashboard theatres, the admin's theatres).
 */
export function sortRows(rows, { key, descending, collator, textKeys = ['name'] }) {
  const sign = descending ? -1 : 1
  const compare = textKeys.includes(key)
    ? (a, b) => collator.compare(String(a[key] ?? ''), String(b[key] ?? ''))
    : (a, b) => (a[key] ?? 0) - (b[key] ?? 0)
  return [...rows].sort((a, b) => sign * compare(a, b) || collator.compare(a.name, b.name))
}

/** `value` if it is one of `keys`, else `fallback` (the list's default order: the first key unless given). */
export const sortKeyIn = (keys, value, fallback = keys[0]) => (keys.includes(value) ? value : fallback)

/**
 * The sort of an admin list the server sorts and pages (GET /api/shows, /api/screenings…?sort=), each key
 * one way (SortSelect with flippable=false): one of `keys`, kept in the list's URL as `sort` beside the page
 * (useAdminList's or useQueryState's query and update), so Back and a shared link keep it; a new choice
 * starts again at page 1. Without one in the URL it is `defaultKey(query)`: the first key, or the order the
 * server gives that query (a theatre's bookings: by their `when`). Returns useTableSort(...)'s state.
 */
export function useQuerySort({ keys, query, updateQuery, defaultKey = () => keys[0] }) {
  const keyOf = (values) => sortKeyIn(keys, values.sort, defaultKey(values))
  const sort = useTableSort({
    initial: keyOf(query.value),
    onChange: () => updateQuery({ sort: sort.sortKey.value, page: 1 }),
  })
  watch(
    () => keyOf(query.value),
    (key) => (sort.sortKey.value = key), // Back, a link, or another default
  )
  return sort
}

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

/** `value` if it is one of `keys`, else the first of them (the list's default order). */
export const sortKeyIn = (keys, value) => (keys.includes(value) ? value : keys[0])

/**
 * The sort of an admin list the server sorts and pages (GET /api/shows, /api/screenings…?sort=), each key
 * one way (SortSelect with flippable=false): one of `keys`, the first the default, kept in the list's URL as
 * `sort` beside the page (useAdminList's query and updateQuery), so Back and a shared link keep it; a new
 * choice starts again at page 1. Returns useTableSort(...)'s state.
 */
export function useQuerySort({ keys, query, updateQuery }) {
  const sort = useTableSort({
    initial: sortKeyIn(keys, query.value.sort),
    onChange: () => updateQuery({ sort: sort.sortKey.value, page: 1 }),
  })
  watch(
    () => query.value.sort,
    (key) => (sort.sortKey.value = sortKeyIn(keys, key)), // Back, or a link
  )
  return sort
}

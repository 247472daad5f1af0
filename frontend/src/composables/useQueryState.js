import { computed, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'

/** The values of `defaults`' keys in a route's query (the first of repeated ones); numbers are whole, at least 1. */
export function queryValues(defaults, query) {
  const result = {}
  for (const [key, fallback] of Object.entries(defaults)) {
    const raw = query[key]
    const value = Array.isArray(raw) ? raw[0] : raw
    result[key] =
      typeof fallback === 'number' ? Math.max(1, Number.parseInt(value, 10) || fallback) : (value ?? fallback)
  }
  return result
}

/**
 * List filters and the page number live in the URL (?page=2&place=pune), so a list can be bookmarked,
 * shared and restored with Back. Returns the current values and a setter that resets paging.
 */
export function useQueryState(defaults) {
  const route = useRoute()
  const router = useRouter()

  const values = computed(() => queryValues(defaults, route.query))

  // Changes made while an earlier one is still navigating build on it (two debounced fields flushed at
  // once must not overwrite each other with the route as it was before both).
  let pending = null

  /** replace: true rewrites the current history entry (for defaults the visitor did not choose). */
  function update(changes, { replace = false } = {}) {
    const next = { ...values.value, ...(pending || {}), page: 1, ...changes }
    pending = next
    const query = {}
    for (const [key, value] of Object.entries(next)) {
      if (value !== '' && value !== null && value !== undefined && value !== defaults[key]) query[key] = String(value)
    }
    const navigation = replace ? router.replace({ query }) : router.push({ query })
    return navigation.finally(() => {
      if (pending === next) pending = null
    })
  }

  return { values, update }
}

/**
 * A page past the last one (an old link, or the last row of the last page cancelled or deleted) moves to the
 * last page, in place of the list's empty state, which would say there is nothing at all ("No shows yet").
 * `list` is a ref of the API's page ({items, total, per_page}); `values` and `update` are useQueryState's.
 */
export function keepPageInRange(list, values, update) {
  watch(list, (answer) => {
    if (!answer || answer.items?.length || !answer.total || !answer.per_page) return
    const last = Math.ceil(answer.total / answer.per_page)
    if (values.value.page > last) update({ page: last }, { replace: true })
  })
}

import { computed } from 'vue'
import { useRoute, useRouter } from 'vue-router'

/**
 * List filters and the page number live in the URL (?page=2&place=pune), so a list can be bookmarked,
 * shared and restored with Back. Returns the current values and a setter that resets paging.
 */
export function useQueryState(defaults) {
  const route = useRoute()
  const router = useRouter()

  const values = computed(() => {
    const result = {}
    for (const [key, fallback] of Object.entries(defaults)) {
      const raw = route.query[key]
      const value = Array.isArray(raw) ? raw[0] : raw
      result[key] = typeof fallback === 'number' ? Math.max(1, Number.parseInt(value, 10) || fallback) : (value ?? fallback)
    }
    return result
  })

  function update(changes) {
    const next = { ...values.value, page: 1, ...changes }
    const query = {}
    for (const [key, value] of Object.entries(next)) {
      if (value !== '' && value !== null && value !== undefined && value !== defaults[key]) query[key] = String(value)
    }
    router.push({ query })
  }

  return { values, update }
}

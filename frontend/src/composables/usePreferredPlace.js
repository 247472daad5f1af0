import { watch } from 'vue'
import { useRoute } from 'vue-router'
import { useAuthStore } from '@/stores/auth'

// Lists applied the preference to in this page load: once cleared by the visitor, the place stays cleared.
const applied = new Set()

/**
 * Preselects a list's `place` filter with the logged-in user's preferred place, once per list and page
 * load, when the URL does not name a place already. The URL keeps the filter, so Back and links work.
 */
export function usePreferredPlace(listName, updateQuery) {
  const route = useRoute()
  const auth = useAuthStore()
  watch(
    () => auth.preferredPlace,
    (place) => {
      if (!place || applied.has(listName) || route.name !== listName) return
      applied.add(listName)
      if (!('place' in route.query)) updateQuery({ ...route.query, place }, { replace: true })
    },
    { immediate: true },
  )
}

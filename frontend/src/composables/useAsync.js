import { ref, shallowRef } from 'vue'

/**
 * Loading / error / data state for one async function. Only the latest call updates the state, so a
 * slow earlier request cannot overwrite the answer to a newer one (e.g. when paging quickly).
 */
export function useAsync(asyncFunction, { initialData = null } = {}) {
  const data = shallowRef(initialData)
  const error = ref(null)
  const loading = ref(false)
  let latestCall = 0

  async function run(...args) {
    const call = ++latestCall
    loading.value = true
    error.value = null
    try {
      const result = await asyncFunction(...args)
      if (call === latestCall) data.value = result
      return result
    } catch (caught) {
      if (call === latestCall) error.value = caught
      return undefined
    } finally {
      if (call === latestCall) loading.value = false
    }
  }

  return { data, error, loading, run }
}

import { onBeforeUnmount, ref, watch } from 'vue'

/**
 * A text field bound to a value that lives elsewhere (usually the URL query): typing updates the field at
 * once and commits after a pause, so each keystroke is not a request; outside changes flow back in.
 */
export function useDebouncedField(source, commit, { delay = 350 } = {}) {
  const text = ref(source() ?? '')
  let timer = null
  watch(text, (value) => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      if (value.trim() !== (source() ?? '')) commit(value.trim())
    }, delay)
  })
  watch(source, (value) => {
    if ((value ?? '') !== text.value.trim()) text.value = value ?? ''
  })
  function flush() {
    clearTimeout(timer)
    if (text.value.trim() !== (source() ?? '')) commit(text.value.trim())
  }
  onBeforeUnmount(() => clearTimeout(timer))
  return { text, flush }
}

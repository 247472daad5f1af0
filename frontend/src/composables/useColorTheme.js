import { onBeforeUnmount, ref } from 'vue'

/**
 * The current Bootstrap colour mode ('light' | 'dark'), following changes to <html data-bs-theme>
 * (main.js switches it when the system setting changes), for things CSS cannot reach, like canvas charts.
 */
export function useColorTheme() {
  const root = document.documentElement
  const read = () => (root.getAttribute('data-bs-theme') === 'dark' ? 'dark' : 'light')
  const theme = ref(read())
  const observer = new MutationObserver(() => {
    theme.value = read()
  })
  observer.observe(root, { attributes: true, attributeFilter: ['data-bs-theme'] })
  onBeforeUnmount(() => observer.disconnect())
  return theme
}

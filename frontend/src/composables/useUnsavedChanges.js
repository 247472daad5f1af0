// Asks before a page with changes not yet saved is left: for another page of the app, a confirmation in the
// UI's language; for the tab itself (closed, reloaded, another site), the browser's own prompt. The layout
// editor and Block seats lost a whole draft to one click on a tab of the admin's menu (found by a walkthrough).
import { onBeforeUnmount, onMounted } from 'vue'
import { onBeforeRouteLeave } from 'vue-router'
import { useI18n } from 'vue-i18n'

/** `hasChanges()`: true while there is something to lose (called only when the page is about to be left). */
export function useUnsavedChanges(hasChanges) {
  const { t } = useI18n()
  onBeforeRouteLeave(() => !hasChanges() || window.confirm(t('common.leaveUnsaved')))
  function onBeforeUnload(event) {
    if (!hasChanges()) return
    event.preventDefault()
    event.returnValue = '' // older browsers show their prompt only with this set
  }
  onMounted(() => window.addEventListener('beforeunload', onBeforeUnload))
  onBeforeUnmount(() => window.removeEventListener('beforeunload', onBeforeUnload))
}

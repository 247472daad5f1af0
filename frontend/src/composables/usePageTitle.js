// The browser tab's title, "<page> · Ticket Show", in the UI's language. Each route names its page with a
// message key (meta.titleKey in router/index.js); a detail page that knows a better name (the show's, the
// theatre's) calls usePageTitle(() => show.value?.name) and wins while it is on screen. The title is
// recomputed when the language changes, since it reads messages through $t.
import { computed, onBeforeUnmount, ref, watchEffect } from 'vue'
import { useRoute } from 'vue-router'
import { i18n } from '@/i18n'

const override = ref(null) // () => string | null, set by the page on screen

/** For App.vue: keeps document.title in step with the route, the page's own title and the language. */
export function usePageTitleRoot() {
  const route = useRoute()
  const { t } = i18n.global
  const page = computed(() => override.value?.() || (route.meta.titleKey ? t(route.meta.titleKey) : ''))
  watchEffect(() => {
    const app = t('common.appName')
    document.title = page.value ? t('common.pageTitle', { page: page.value, app }) : app
  })
}

/** For a page: `usePageTitle(() => show.value && t('booking.titleBook', { show: show.value.name }))`. */
export function usePageTitle(getter) {
  override.value = getter
  onBeforeUnmount(() => {
    if (override.value === getter) override.value = null
  })
}

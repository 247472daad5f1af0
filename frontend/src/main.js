import { createApp } from 'vue'
import { createPinia } from 'pinia'

import 'bootstrap/dist/css/bootstrap.min.css'
import 'bootstrap-icons/font/bootstrap-icons.min.css'
import './assets/main.css'

import App from './App.vue'
import router from './router'
import { configureClient, dropPrefetched, prefetch } from './api/client'
import { useAuthStore } from './stores/auth'
import { useToast } from './composables/useToast'
import { reportNetworkStatus } from './composables/useNetworkStatus'
import { registerServiceWorker } from './composables/useServiceWorker'
import { loadServerConfig } from './serverConfig'
import { nextTick, watch } from 'vue'
import { i18n, initialLocale, applyLocale, loadLocale, setLocale, supported, STORAGE_KEY } from './i18n'
// Imported before mounting so its `beforeinstallprompt` listener is there when the browser fires it.
import './composables/useInstallPrompt'

followColorScheme()

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(router)

const auth = useAuthStore()
// The language before the first render: the (cached) user's choice, this browser's, or the browser's own.
applyLocale(initialLocale(auth.user))
followUserLocale(auth)
configureClient({
  getToken: () => auth.token,
  // The server stopped accepting our token (expired or logged out elsewhere): end the session here too.
  onUnauthorized() {
    if (!auth.isLoggedIn) return
    auth.clearSession()
    useToast().info(i18n.global.t('nav.sessionEnded'))
    const current = router.currentRoute.value
    if (current.name !== 'login') router.push({ name: 'login', query: { redirect: current.fullPath } })
  },
  onNetworkStatus: reportNetworkStatus,
})
auth.ensureUser()

// The first page's data is asked for now, alongside /api/config (and a lazy page's code), not after them:
// on a slow phone network each round trip is half a second (docs/benchmarks.md, bench/ui_vitals.py). The
// server's Link header on index.html (backend/ticketshow/spa.py) has usually started both already.
const first = router.resolve(location.pathname + location.search)
const firstRequest = first.meta.firstRequest?.(first, auth)
if (firstRequest) prefetch(firstRequest.path, firstRequest.query)
prefetch('/api/config') // loadServerConfig's, below: the page's Link header preloads it too

// Times are shown in the server's time zone: know it before the first page renders.
// In the visitor's language from the first paint: Hindi's or Tamil's messages are a chunk of their own.
Promise.all([loadServerConfig(), loadLocale(i18n.global.locale.value)]).finally(() => {
  app.mount('#app')
  // Once the first page has rendered (and taken its prefetched answer), nothing else may take it later.
  const drop = () => nextTick(dropPrefetched)
  router.isReady().then(drop, drop)
})

// The offline-capable service worker (vite-plugin-pwa, /sw.js), production builds only. Registered once the
// page has loaded and gone idle, so its scripts never take one of the browser's six connections from the
// first page's data and posters.
const whenIdle = (task) =>
  window.requestIdleCallback ? requestIdleCallback(task, { timeout: 5000 }) : setTimeout(task)
if (document.readyState === 'complete') whenIdle(registerServiceWorker)
else window.addEventListener('load', () => whenIdle(registerServiceWorker), { once: true })

/**
 * A logged-in user's language comes with them (GET /api/auth/me, login): when it differs from the one shown,
 * switch to it. A user who has never chosen one but chose in this browser before logging in keeps that
 * choice, now saved to their account too (so their emails follow it).
 */
function followUserLocale(auth) {
  watch(
    // A string, so that a new user object with the same id and choice (every PATCH answer) does not fire.
    () => (auth.user ? `${auth.user.id}|${auth.user.preferences?.locale ?? ''}` : ''),
    (key) => {
      if (!key) return
      const chosen = key.split('|')[1]
      const code = supported(chosen)
      if (code) {
        if (code !== i18n.global.locale.value) setLocale(code)
        return
      }
      let stored = null
      try {
        stored = supported(localStorage.getItem(STORAGE_KEY))
      } catch {
        // storage blocked: nothing was chosen here
      }
      if (stored) setLocale(stored)
    },
    { immediate: true },
  )
}

/** Bootstrap 5.3 colour modes: follow the system setting, also when it changes while the app is open. */
function followColorScheme() {
  const query = window.matchMedia('(prefers-color-scheme: dark)')
  const apply = () => document.documentElement.setAttribute('data-bs-theme', query.matches ? 'dark' : 'light')
  apply()
  query.addEventListener('change', apply)
}

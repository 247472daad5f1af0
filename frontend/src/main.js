import { createApp } from 'vue'
import { createPinia } from 'pinia'

import 'bootstrap/dist/css/bootstrap.min.css'
import 'bootstrap-icons/font/bootstrap-icons.min.css'
import './assets/main.css'

import App from './App.vue'
import router from './router'
import { configureClient } from './api/client'
import { useAuthStore } from './stores/auth'
import { useToast } from './composables/useToast'
import { reportNetworkStatus } from './composables/useNetworkStatus'
import { registerServiceWorker } from './composables/useServiceWorker'
import { loadServerConfig } from './serverConfig'
// Imported before mounting so its `beforeinstallprompt` listener is there when the browser fires it.
import './composables/useInstallPrompt'

followColorScheme()

const app = createApp(App)
app.use(createPinia())
app.use(router)

const auth = useAuthStore()
configureClient({
  getToken: () => auth.token,
  // The server stopped accepting our token (expired or logged out elsewhere): end the session here too.
  onUnauthorized() {
    if (!auth.isLoggedIn) return
    auth.clearSession()
    useToast().info('Your session has ended. Please log in again.')
    const current = router.currentRoute.value
    if (current.name !== 'login') router.push({ name: 'login', query: { redirect: current.fullPath } })
  },
  onNetworkStatus: reportNetworkStatus,
})
auth.ensureUser()

// Times are shown in the server's time zone: know it before the first page renders.
loadServerConfig().finally(() => app.mount('#app'))

// The offline-capable service worker (vite-plugin-pwa, /sw.js), production builds only.
registerServiceWorker()

/** Bootstrap 5.3 colour modes: follow the system setting, also when it changes while the app is open. */
function followColorScheme() {
  const query = window.matchMedia('(prefers-color-scheme: dark)')
  const apply = () => document.documentElement.setAttribute('data-bs-theme', query.matches ? 'dark' : 'light')
  apply()
  query.addEventListener('change', apply)
}

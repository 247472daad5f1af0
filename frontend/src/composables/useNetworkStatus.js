import { computed, ref, watch } from 'vue'

// Whether the app can reach the server, for the offline banner (AppOfflineBanner). Offline means either the
// browser says so (navigator.onLine is false) or the API could not be reached although the browser thinks
// it is online (server down, captive portal, a dead Wi-Fi). api/client.js reports what each API call met
// through reportNetworkStatus (wired in main.js).

const PROBE_URL = '/api/health' // never cached by the service worker
const PROBE_EVERY_MS = 10_000

const hasWindow = typeof window !== 'undefined'
const browserOnline = ref(hasWindow ? navigator.onLine !== false : true)
const serverUnreachable = ref(false)
const offline = computed(() => !browserOnline.value || serverUnreachable.value)

function syncBrowserOnline() {
  browserOnline.value = navigator.onLine !== false
}

// While offline, look now and then whether we are back, so the banner goes away by itself even when the
// visitor does nothing and the browser does not fire `online` (or only the server was down).
async function probe() {
  syncBrowserOnline()
  if (!browserOnline.value) return
  try {
    await fetch(PROBE_URL, { cache: 'no-store', headers: { Accept: 'application/json' } })
    serverUnreachable.value = false // any HTTP answer (even 503) means the server is reachable again
  } catch {
    serverUnreachable.value = true
  }
}

if (hasWindow) {
  let probeTimer = null
  watch(
    offline,
    (isOffline) => {
      if (isOffline && !probeTimer) probeTimer = window.setInterval(probe, PROBE_EVERY_MS)
      if (!isOffline && probeTimer) {
        window.clearInterval(probeTimer)
        probeTimer = null
      }
    },
    { immediate: true },
  )
  window.addEventListener('online', () => {
    browserOnline.value = true
    serverUnreachable.value = false
  })
  window.addEventListener('offline', () => {
    browserOnline.value = false
  })
}

/**
 * 'unreachable': a network error; 'cached': the service worker answered from its cache because the
 * network failed or was too slow; 'reachable': the server answered (any status).
 */
export function reportNetworkStatus(status) {
  if (status === 'reachable') {
    serverUnreachable.value = false
    syncBrowserOnline()
  } else if (status === 'unreachable' || status === 'cached') {
    serverUnreachable.value = true
  }
}

export function useNetworkStatus() {
  return { offline, browserOnline, serverUnreachable }
}

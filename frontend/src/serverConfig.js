// The server's settings the UI needs (GET /api/config): the time zone every time is shown and sent in
// (APP_TIMEZONE) and the booking limits. Loaded once before the app mounts (main.js), so formatting can
// read them synchronously; the UI never hard-codes them. Offline, the last copy seen is used.
import { reactive, readonly } from 'vue'
import { api } from './api/client'

const STORAGE_KEY = 'ticketshow.server-config'

// Used only until the first answer, and only when no copy was ever stored (a first visit while offline):
// UTC still shows and sends the right instants, labelled as UTC.
const FALLBACK = { timezone: 'UTC', booking_max_quantity: 1, cancellation_cutoff_minutes: 0 }

const state = reactive({ ...FALLBACK, loaded: false })

/** The settings: {timezone, booking_max_quantity, cancellation_cutoff_minutes, loaded}. Read-only. */
export const serverConfig = readonly(state)

function apply(settings) {
  Object.assign(state, {
    timezone: settings.timezone,
    booking_max_quantity: settings.booking_max_quantity,
    cancellation_cutoff_minutes: settings.cancellation_cutoff_minutes,
  })
}

function stored() {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) || 'null')
    return value && typeof value.timezone === 'string' ? value : null
  } catch {
    return null
  }
}

/** Fetches the settings (or takes the stored copy when the server cannot be reached). Never throws. */
export async function loadServerConfig(fetchConfig = () => api.get('/api/config')) {
  try {
    const settings = await fetchConfig()
    apply(settings)
    state.loaded = true
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(settings))
    } catch {
      // private mode or a full quota: the next offline start uses the fallback
    }
  } catch {
    const copy = stored()
    if (copy) apply(copy)
  }
  return serverConfig
}

/** For tests: set the settings directly. */
export function setServerConfig(settings) {
  apply({ ...FALLBACK, ...settings })
  state.loaded = true
}

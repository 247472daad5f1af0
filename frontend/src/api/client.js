// The one HTTP client of the UI. Every call goes to the same origin, carries the session's Bearer token,
// speaks JSON, and turns the API's error shape {"error": {code, message, details}} into an ApiError.
// Every request says which language the UI is in (Accept-Language), so the server's error `message`s come
// back in it; where the server sent none, the message is the UI's own text for the status.
import { currentLocale, i18n } from '@/i18n'

export class ApiError extends Error {
  constructor({ status, code, message, details = {}, retryAfter = null }) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details || {}
    // Seconds from the Retry-After header (429), when the server sent one.
    this.retryAfter = retryAfter
  }
}

// main.js wires these to the auth store, router and network status; the defaults keep this module usable
// on its own.
let getToken = () => null
let onUnauthorized = () => {}
let onNetworkStatus = () => {}

// The service worker sets this header on a public list it answered from its cache because the network
// failed (see the runtime caching in vite.config.js): the data is shown, but we are offline.
const OFFLINE_COPY_HEADER = 'X-Ticketshow-Offline-Copy'

export function configureClient(options) {
  if (options.getToken) getToken = options.getToken
  if (options.onUnauthorized) onUnauthorized = options.onUnauthorized
  // Called with 'unreachable' (network error), 'cached' (an offline copy from the service worker) or
  // 'reachable' (a real answer from the server, whatever its status).
  if (options.onNetworkStatus) onNetworkStatus = options.onNetworkStatus
}

/** Builds "?a=1&tag=x&tag=y", leaving out empty values so callers can pass filters as they are. */
export function buildQuery(params = {}) {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    const values = Array.isArray(value) ? value : [value]
    for (const v of values) {
      if (v === undefined || v === null || v === '') continue
      search.append(key, String(v))
    }
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}

function parseRetryAfter(header) {
  if (!header) return null
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return seconds
  const date = Date.parse(header) // Retry-After may also be an HTTP date
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000))
}

async function readBody(response) {
  if (response.status === 204) return null
  const text = await response.text()
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export async function request(
  method,
  path,
  { query, json, formData, signal, headers: extraHeaders, blob = false, bare = false, keepalive = false } = {},
) {
  // bare: none of our headers (a public read the page preloaded, see prefetch)
  const headers = bare ? {} : { Accept: 'application/json', 'Accept-Language': currentLocale(), ...extraHeaders }
  const token = bare ? null : getToken()
  if (token) headers.Authorization = `Bearer ${token}`
  let body
  if (formData) {
    body = formData // the browser sets the multipart boundary itself
  } else if (json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(json)
  }

  let response
  try {
    // keepalive: the request outlives the page (sent as the page goes away, see WaitingRoom.vue)
    response = await fetch(path + buildQuery(query), { method, headers, body, signal, keepalive })
  } catch (cause) {
    if (cause?.name === 'AbortError') throw cause
    onNetworkStatus('unreachable')
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: i18n.global.t('errors.network_error'),
    })
  }

  onNetworkStatus(response.headers.get(OFFLINE_COPY_HEADER) ? 'cached' : 'reachable')

  // Files (CSV exports, reports) need the token too, so they come through here as Blobs, not as links.
  if (blob && response.ok) {
    return { blob: await response.blob(), filename: filenameFrom(response.headers.get('Content-Disposition')) }
  }
  const data = await readBody(response)
  if (response.ok) return data

  const error = data && typeof data === 'object' && data.error ? data.error : {}
  const code = error.code || `http_${response.status}`
  const apiError = new ApiError({
    status: response.status,
    code,
    // The server's message is already in the UI's language (Accept-Language); without one, ours.
    message:
      error.message ||
      (i18n.global.te(`errors.${code}`) ? i18n.global.t(`errors.${code}`) : defaultMessage(response.status)),
    details: error.details,
    retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
  })
  // A token the server no longer accepts means the session is over; a 401 without a token
  // (e.g. wrong password at login), or a wrong current password when changing it, is just an answer
  // for the form.
  if (response.status === 401 && token && apiError.code !== 'invalid_credentials') onUnauthorized(apiError)
  throw apiError
}

/** The filename from `Content-Disposition: attachment; filename="x.csv"` (or filename*=UTF-8''x.csv), or null. */
export function filenameFrom(header) {
  if (!header) return null
  const encoded = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header)
  if (encoded) {
    try {
      return decodeURIComponent(encoded[1].trim().replace(/^"|"$/g, ''))
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header)
  return plain ? plain[1].trim() : null
}

function defaultMessage(status) {
  const t = i18n.global.t
  if ([401, 403, 404, 413, 415, 429].includes(status)) return t(`errors.http_${status}`)
  if (status >= 500) return t('errors.http_500')
  return t('errors.unknown')
}

// GETs started before the app mounted (prefetch), each handed to the first identical api.get and then
// forgotten, so the first page's data is asked for alongside the app's code instead of after it.
const prefetched = new Map()

/**
 * Starts GET `path` with `query` now (the first page's data, a public read, from main.js before the app
 * mounts); the first api.get of the same URL receives this request's answer instead of sending its own.
 * It is sent bare (no token, no Accept-Language) so that the browser hands it the answer the server's
 * Link: rel=preload header on index.html already started (backend/ticketshow/spa.py): a preload is reused
 * only by a request with the same headers. A failed one is asked again the usual way, so an error's
 * message comes in the UI's language.
 */
export function prefetch(path, query) {
  const url = path + buildQuery(query)
  if (prefetched.has(url)) return
  const answer = request('GET', path, { query, bare: true }).catch(() => request('GET', path, { query }))
  answer.catch(() => {}) // a failure belongs to the view that takes it (or to nobody, when none does)
  prefetched.set(url, answer)
}

/** Forgets the prefetched GETs no view took (the first page asked for something else), so no later
 * visit gets an old answer. main.js calls it once the first page has rendered. */
export function dropPrefetched() {
  prefetched.clear()
}

function takePrefetched(path, query, options) {
  if (!prefetched.size || (options && Object.keys(options).length)) return null
  const url = path + buildQuery(query)
  const answer = prefetched.get(url)
  prefetched.delete(url)
  return answer ?? null
}

export const api = {
  get: (path, query, options) => takePrefetched(path, query, options) ?? request('GET', path, { query, ...options }),
  post: (path, json, options) => request('POST', path, { json, ...options }),
  patch: (path, json, options) => request('PATCH', path, { json, ...options }),
  put: (path, json, options) => request('PUT', path, { json, ...options }),
  delete: (path, query, options) => request('DELETE', path, { query, ...options }),
  /** A file download with the session's token: resolves to {blob, filename}; errors are ApiErrors as usual. */
  blob: (path, query, { accept = '*/*', ...options } = {}) =>
    request('GET', path, { query, blob: true, headers: { Accept: `${accept}, application/json;q=0.5` }, ...options }),
  upload(path, file, field = 'image') {
    const formData = new FormData()
    formData.append(field, file)
    return request('PUT', path, { formData })
  },
}

/** Reads every page of a list endpoint (the API caps per_page at 100), e.g. for a select's options. */
export async function fetchAllPages(listPage, params = {}) {
  const items = []
  for (let page = 1; ; page += 1) {
    const result = await listPage({ ...params, page, per_page: 100 })
    items.push(...result.items)
    if (items.length >= result.total || result.items.length === 0) return items
  }
}

/**
 * The messages for one field from an error's details. Handles flat keys ("name"), dotted keys
 * ("screenings.0.starts_at") and nested objects ({screenings: {0: {starts_at: [...]}}}).
 */
export function fieldErrors(error, ...path) {
  const details = error?.details
  if (!details || typeof details !== 'object') return []
  const dotted = details[path.join('.')]
  if (dotted) return toMessages(dotted)
  let node = details
  for (const key of path) {
    if (!node || typeof node !== 'object') return []
    node = node[key]
  }
  return toMessages(node)
}

function toMessages(value) {
  if (!value) return []
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string')
  return []
}

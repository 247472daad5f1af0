// The API client turns every answer into data or an ApiError with the API's code, message and details.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, api, configureClient, dropPrefetched, prefetch, request } from '@/api/client'
import { json, sameOriginFetch, startServer } from './server'

let server
let answer
const statuses = []
let unauthorized = 0

beforeAll(async () => {
  server = await startServer(() => answer)
  vi.stubGlobal('fetch', sameOriginFetch(server.base))
  configureClient({
    getToken: () => 'token-1',
    onUnauthorized: () => unauthorized++,
    onNetworkStatus: (status) => statuses.push(status),
  })
})
afterAll(async () => {
  vi.unstubAllGlobals()
  await server.close()
})
beforeEach(() => {
  statuses.length = 0
  unauthorized = 0
})

describe('the API client', () => {
  it('answers the JSON body and sends the token', async () => {
    answer = json(200, { id: 3, name: 'Hamlet' })
    await expect(api.get('/api/shows/3', { tag: ['a', 'b'], q: '' })).resolves.toEqual({ id: 3, name: 'Hamlet' })
    const sent = server.requests.at(-1)
    expect(sent.url).toBe('/api/shows/3?tag=a&tag=b')
    expect(sent.headers.authorization).toBe('Bearer token-1')
    expect(statuses).toEqual(['reachable'])
  })

  it('maps the error shape to an ApiError with code, message and details', async () => {
    answer = json(409, {
      error: { code: 'houseful', message: 'This screening is houseful.', details: { seats_left: 0 } },
    })
    const error = await api.post('/api/bookings', { screening_id: 1, quantity: 2 }).catch((caught) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect([error.status, error.code, error.message, error.details]).toEqual([
      409,
      'houseful',
      'This screening is houseful.',
      { seats_left: 0 },
    ])
    expect(JSON.parse(server.requests.at(-1).body)).toEqual({ screening_id: 1, quantity: 2 })
  })

  it('gives a readable message and an http_ code when the body is not the error shape', async () => {
    answer = { status: 502, headers: { 'Content-Type': 'text/html' }, body: '<h1>Bad gateway</h1>' }
    const error = await api.get('/api/shows').catch((caught) => caught)
    expect([error.status, error.code, error.message]).toEqual([
      502,
      'http_502',
      'The server had a problem. Please try again.',
    ])
    expect(error.details).toEqual({})
  })

  it('reads Retry-After on 429', async () => {
    answer = json(429, { error: { code: 'too_many_attempts', message: 'Wait.' } }, { 'Retry-After': '30' })
    const error = await api.post('/api/auth/login', {}).catch((caught) => caught)
    expect([error.code, error.retryAfter]).toEqual(['too_many_attempts', 30])
  })

  it('ends the session on a 401 when a token was sent', async () => {
    answer = json(401, { error: { code: 'token_expired', message: 'The session has expired; log in again.' } })
    const error = await api.get('/api/auth/me').catch((caught) => caught)
    expect(error.code).toBe('token_expired')
    expect(unauthorized).toBe(1)
  })

  it('turns a network failure into network_error with status 0', async () => {
    const down = await startServer(() => json(200, {}))
    await down.close() // nothing listens there any more
    vi.stubGlobal('fetch', sameOriginFetch(down.base))
    try {
      const error = await request('GET', '/api/shows').catch((caught) => caught)
      expect([error.status, error.code]).toEqual([0, 'network_error'])
      expect(statuses).toEqual(['unreachable'])
    } finally {
      vi.stubGlobal('fetch', sameOriginFetch(server.base))
    }
  })

  it('hands a prefetched GET to the first identical get only, and forgets the rest when dropped', async () => {
    answer = json(200, { items: [{ id: 1 }], total: 1 })
    const before = server.requests.length
    prefetch('/api/shows', { sort: 'latest', page: 1, q: '' })
    prefetch('/api/shows/9')
    await expect(api.get('/api/shows', { sort: 'latest', page: 1 })).resolves.toEqual({ items: [{ id: 1 }], total: 1 })
    expect(server.requests.slice(before).map((sent) => sent.url)).toEqual([
      '/api/shows?sort=latest&page=1',
      '/api/shows/9',
    ])
    await api.get('/api/shows', { sort: 'latest', page: 1 }) // taken once: this one is sent
    dropPrefetched()
    await api.get('/api/shows/9') // dropped unused: sent again, not an old answer
    expect(server.requests.length - before).toBe(4)
  })
})

// The jobs store follows a job until it is done or failed, once per job, riding out network blips.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { POLL_INTERVAL_MS, isFinished, useJobsStore } from '@/stores/jobs'
import { json, sameOriginFetch, startServer } from './server'

let server
let states // job id -> the answers still to give, in order (the last one repeats)

beforeAll(async () => {
  server = await startServer((request) => {
    const exportMatch = /^\/api\/theatres\/(\d+)\/export$/.exec(request.url)
    if (exportMatch) return json(202, { job_id: 40 + Number(exportMatch[1]), status_url: '/api/jobs/41' })
    const id = Number(/^\/api\/jobs\/(\d+)$/.exec(request.url)?.[1])
    const queue = states[id]
    if (!queue) return json(404, { error: { code: 'not_found', message: 'No such job.' } })
    const next = queue.length > 1 ? queue.shift() : queue[0]
    return json(200, { id, ...next })
  })
  vi.stubGlobal('fetch', sameOriginFetch(server.base))
})
afterAll(async () => {
  vi.unstubAllGlobals()
  await server.close()
})
beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers({ toFake: ['setTimeout'] }) // the poll interval is moved by the test's clock
})
afterEach(() => vi.useRealTimers())

/** Resolves `promise`, moving the fake clock one poll interval at a time while it waits on the server. */
async function settle(promise) {
  let done = false
  promise.finally(() => (done = true))
  for (let i = 0; i < 200 && !done; i++) {
    await new Promise((resolve) => setImmediate(resolve)) // real I/O: let the server answer
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS)
  }
  return promise
}

describe('the jobs store', () => {
  it('follows a job to done, keeping its progress on the way', async () => {
    states = {
      7: [
        { state: 'pending', progress: 0 },
        { state: 'running', progress: 50 },
        { state: 'done', progress: 100, summary: '3 sent' },
      ],
    }
    const store = useJobsStore()
    const seen = []
    store.$subscribe(() => seen.push(store.byId[7]?.progress))
    const job = await settle(store.follow(7))
    expect([job.state, job.progress, job.summary]).toEqual(['done', 100, '3 sent'])
    expect(seen).toContain(50)
    expect(isFinished(store.byId[7])).toBe(true)
  })

  it('follows each job once, however many ask', async () => {
    states = {
      8: [
        { state: 'running', progress: 10 },
        { state: 'done', progress: 100 },
      ],
    }
    const store = useJobsStore()
    const [first, second] = await settle(Promise.all([store.follow(8), store.follow(8)]))
    expect(first).toEqual(second)
    expect(first.state).toBe('done')
    // one poll loop: pending... then done, two reads in all
    expect(server.requests.filter((r) => r.url === '/api/jobs/8')).toHaveLength(2)
  })

  it('ends a follow with the API message when the job cannot be read', async () => {
    states = {}
    const store = useJobsStore()
    const job = await settle(store.follow(99))
    expect([job.state, job.error]).toEqual(['failed', 'No such job.'])
  })

  it('starts an export and remembers it for its theatre', async () => {
    states = { 41: [{ state: 'done', progress: 100 }] }
    const store = useJobsStore()
    const id = await store.startExport({ id: 1, name: 'Old Vic' })
    expect(id).toBe(41)
    expect(store.exportFor(1)).toMatchObject({ id: 41, kind: 'export', state: 'pending', summary: 'Old Vic' })
    await settle(store.follow(41))
    expect(store.exportFor(1).state).toBe('done')
  })
})

import { defineStore } from 'pinia'
import * as jobsApi from '@/api/jobs'

export const POLL_INTERVAL_MS = 700
const FINISHED = ['done', 'failed']
const MAX_NETWORK_RETRIES = 5

// One poll loop per job, shared by everyone who follows it (a promise of the finished job).
const following = new Map()
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export const isFinished = (job) => Boolean(job && FINISHED.includes(job.state))
// A job that failed for now (SMTP away, a worker lost) waits, pending, until its retry_at: minutes or hours.
export const isWaitingToRetry = (job) => Boolean(job && job.state === 'pending' && job.retry_at)

/**
 * Background jobs started from this session (exports, reminders, reports, forecasts), by id, kept up to
 * date while they run. Living in a store, a running export keeps its progress when the admin visits another tab.
 */
export const useJobsStore = defineStore('jobs', {
  state: () => ({
    byId: {},
    // theatre id -> the id of its latest export started here
    exportByTheatre: {},
    // operation name ('reminders' | 'reports' | 'forecast') -> job id
    operations: {},
  }),

  getters: {
    exportFor: (state) => (theatreId) => state.byId[state.exportByTheatre[theatreId]] ?? null,
    operation: (state) => (name) => state.byId[state.operations[name]] ?? null,
  },

  actions: {
    remember(job) {
      if (job?.id) this.byId[job.id] = { ...this.byId[job.id], ...job }
      return this.byId[job.id]
    },

    /** Starts a theatre's CSV export; resolves to the job's id once accepted (then `follow` it). */
    async startExport(theatre) {
      const accepted = await jobsApi.exportTheatre(theatre.id)
      this.remember({ id: accepted.job_id, kind: 'export', state: 'pending', progress: 0, summary: theatre.name })
      this.exportByTheatre[theatre.id] = accepted.job_id
      return accepted.job_id
    },

    /** Runs an admin operation ('reminders', 'reports' or 'forecast'); resolves to the finished job. */
    async startOperation(name, start) {
      const accepted = await start()
      this.remember({ id: accepted.job_id, state: 'pending', progress: 0 })
      this.operations[name] = accepted.job_id
      return this.follow(accepted.job_id)
    },

    /** Polls GET /api/jobs/{id} about every 700 ms until the job is done or failed, or waits to retry later. */
    follow(id) {
      if (following.has(id)) return following.get(id)
      const loop = (async () => {
        let networkFailures = 0
        for (;;) {
          try {
            const job = this.remember(await jobsApi.getJob(id))
            networkFailures = 0
            if (isFinished(job) || isWaitingToRetry(job)) return job
          } catch (error) {
            // A blip of the connection is retried; anything else ends the follow with the API's message.
            if (error.status === 0 && ++networkFailures <= MAX_NETWORK_RETRIES) {
              await sleep(POLL_INTERVAL_MS * 2 ** networkFailures)
              continue
            }
            return this.remember({ id, state: 'failed', error: error.message })
          }
          await sleep(POLL_INTERVAL_MS)
        }
      })()
      following.set(id, loop)
      loop.finally(() => following.delete(id))
      return loop
    },
  },
})

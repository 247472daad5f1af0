import { api } from './client'

export const listScreenings = (params) => api.get('/api/screenings', params)
export const getScreening = (id) => api.get(`/api/screenings/${id}`)
export const createScreening = (data) => api.post('/api/screenings', data)
export const updateScreening = (id, data) => api.patch(`/api/screenings/${id}`, data)
export const deleteScreening = (id, { force = false } = {}) =>
  api.delete(`/api/screenings/${id}`, force ? { force: 'true' } : undefined)

// The API lists a timeframe (now to seven days ahead by default); admin views ask for a wide one.
export const EARLIEST = '2000-01-01T00:00:00Z'
export const farFuture = () => new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000).toISOString()

/** How many screenings from now on match the filter (e.g. {theatre_id}), for delete warnings. */
export async function countUpcomingScreenings(filter) {
  const page = await listScreenings({ ...filter, from: new Date().toISOString(), to: farFuture(), per_page: 1 })
  return page.total
}

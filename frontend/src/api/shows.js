import { api, fetchAllPages } from './client'
import { parseTags } from '@/utils/forms'

/** The home page's list filters as its URL holds them (?page=2&tag=drama,comedy), with their defaults. */
export const HOME_QUERY = { page: 1, q: '', tag: '', min_rating: '', place: '', sort: 'latest' }
export const HOME_PER_PAGE = 12

/** GET /api/shows parameters for the home page's filters (HOME_QUERY's keys); each of the comma-separated
 * tags is sent as its own `tag`. main.js asks for them before the page mounts, so they must be the page's. */
export function homeListParams(values) {
  const { sort, page, q, tag, min_rating: minRating, place } = values
  return { sort, page, per_page: HOME_PER_PAGE, q, tag: parseTags(tag), min_rating: minRating, place }
}

export const listShows = (params) => api.get('/api/shows', params)
export const listAllShows = (params) => fetchAllPages(listShows, params)
/** The request of a show's page, {path, query}; `place` (the user's preferred place) comes first in
 * screenings_by_place. */
export const showRequest = (id, place) => ({ path: `/api/shows/${id}`, query: place ? { place } : undefined })
/** A show's page (GET /api/shows/<id>, see showRequest). */
export const getShow = (id, place) => {
  const { path, query } = showRequest(id, place)
  return api.get(path, query)
}
export const createShow = (data) => api.post('/api/shows', data)
export const updateShow = (id, data) => api.patch(`/api/shows/${id}`, data)
export const deleteShow = (id, { force = false } = {}) =>
  api.delete(`/api/shows/${id}`, force ? { force: 'true' } : undefined)
export const uploadShowImage = (id, file) => api.upload(`/api/shows/${id}/image`, file)
/** The tags of shows with upcoming screenings, most used first: [{tag, shows}] (filter chips). */
export const listTags = () => api.get('/api/tags')

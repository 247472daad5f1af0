import { api, fetchAllPages } from './client'

export const listShows = (params) => api.get('/api/shows', params)
export const listAllShows = (params) => fetchAllPages(listShows, params)
/** A show's page; `place` (the user's preferred place) comes first in screenings_by_place. */
export const getShow = (id, place) => api.get(`/api/shows/${id}`, place ? { place } : undefined)
export const createShow = (data) => api.post('/api/shows', data)
export const updateShow = (id, data) => api.patch(`/api/shows/${id}`, data)
export const deleteShow = (id, { force = false } = {}) =>
  api.delete(`/api/shows/${id}`, force ? { force: 'true' } : undefined)
export const uploadShowImage = (id, file) => api.upload(`/api/shows/${id}/image`, file)
/** The tags of shows with upcoming screenings, most used first: [{tag, shows}] (filter chips). */
export const listTags = () => api.get('/api/tags')

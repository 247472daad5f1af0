import { api, fetchAllPages } from './client'

export const listTheatres = (params) => api.get('/api/theatres', params)
export const listAllTheatres = (params) => fetchAllPages(listTheatres, params)
export const getTheatre = (id) => api.get(`/api/theatres/${id}`)
export const createTheatre = (data) => api.post('/api/theatres', data)
export const updateTheatre = (id, data) => api.patch(`/api/theatres/${id}`, data)
export const deleteTheatre = (id, { force = false } = {}) =>
  api.delete(`/api/theatres/${id}`, force ? { force: 'true' } : undefined)
export const uploadTheatreImage = (id, file) => api.upload(`/api/theatres/${id}/image`, file)

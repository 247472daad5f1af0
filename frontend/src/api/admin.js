import { api } from './client'

/** Figures for the last `days` days: totals, per theatre, per show, per day and the top shows. */
export const getDashboard = (days) => api.get('/api/admin/dashboard', { days })
/** Drops every cached response (204). */
export const flushCache = () => api.delete('/api/admin/cache')

import { api } from './client'

/** Figures for the last `days` days: totals, per theatre, per show, per day and the top shows. */
export const getDashboard = (days) => api.get('/api/admin/dashboard', { days })
/** Drops every cached response (204). */
export const flushCache = () => api.delete('/api/admin/cache')
/**
 * A screening's price history: {screening_id, base_price, price, price_trend, dynamic_pricing,
 * changes: [{changed_at, price, previous_price, reason, seats_sold}]}, newest first.
 */
export const getPriceHistory = (screeningId) => api.get(`/api/admin/screenings/${screeningId}/prices`)
/**
 * The popularity forecast for the next `days` days: {generated_at, days: [{day, screenings, seats_total,
 * seats_sold, predicted_seats}], top, bottom: [screening forecasts with reasons], last_run}.
 */
export const getForecast = (days = 7) => api.get('/api/admin/forecast', { days })

import { api } from './client'

// Background jobs (CSV exports, daily reminders, monthly reports, forecasts): each answers 202 {job_id, status_url}
// and is then followed with getJob until its state is "done" or "failed".
export const getJob = (id) => api.get(`/api/jobs/${id}`)
/** params: {kind?: 'export'|'daily_reminders'|'monthly_reports', page, per_page}; newest first. */
export const listJobs = (params) => api.get('/api/jobs', params)
export const exportTheatre = (theatreId) => api.post(`/api/theatres/${theatreId}/export`)
/** date: "YYYY-MM-DD", or nothing for today (in APP_TIMEZONE). */
export const sendDailyReminders = (date) => api.post('/api/admin/jobs/daily-reminders', date ? { date } : {})
/** month: "YYYY-MM". */
export const sendMonthlyReports = (month) => api.post('/api/admin/jobs/monthly-reports', { month })
/** Retrains the popularity model and forecasts every upcoming screening now, as the nightly run does. */
export const runForecast = () => api.post('/api/admin/jobs/forecast')
/** A finished export's CSV, fetched with the token: {blob, filename}. */
export const downloadExport = (job) =>
  api.blob(job.result_url || `/api/exports/${job.id}/download`, undefined, { accept: 'text/csv' })

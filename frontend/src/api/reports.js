import { api } from './client'

/** The caller's own report for month "YYYY-MM" as {blob, filename}; format 'html' or 'pdf'. 404 when there is nothing. */
export const getMonthlyReport = (month, format = 'html') =>
  api.blob('/api/reports/monthly', { month, format }, { accept: format === 'pdf' ? 'application/pdf' : 'text/html' })

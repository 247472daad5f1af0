import { api } from './client'

export const login = (username, password) => api.post('/api/auth/login', { username, password })
export const signup = (username, email, password) => api.post('/api/auth/signup', { username, email, password })
export const me = () => api.get('/api/auth/me')
export const logout = () => api.post('/api/auth/logout')
/** changes: any of {report_format, reminders, place}; answers with the user (and its preferences). */
export const updatePreferences = (changes) => api.patch('/api/auth/me/preferences', changes)

import { api } from './client'

export const login = (username, password) => api.post('/api/auth/login', { username, password })
/** reminders: the account's first preferences.reminders (API.md: default on). */
export const signup = (username, email, password, reminders = true) =>
  api.post('/api/auth/signup', { username, email, password, reminders })
export const me = () => api.get('/api/auth/me')
/** changes: {email}; answers with the user. 409 email_taken, 422 details.email. */
export const updateMe = (changes) => api.patch('/api/auth/me', changes)
export const logout = () => api.post('/api/auth/logout')
/** changes: any of {report_format, reminders, place}; answers with the user (and its preferences). */
export const updatePreferences = (changes) => api.patch('/api/auth/me/preferences', changes)
/** Ends every token of the caller, this one included (204). */
export const logoutEverywhere = () => api.post('/api/auth/logout-all')
/** 204; the caller's other tokens stop working. 401 invalid_credentials, 422 weak_password (details.new_password). */
export const changePassword = (currentPassword, newPassword) =>
  api.post('/api/auth/password', { current_password: currentPassword, new_password: newPassword })
/** 202 whether or not the address is known; a known one gets a 30-minute, single-use link. */
export const requestPasswordReset = (email) => api.post('/api/auth/password-reset', { email })
/** 204; 400 invalid_token (used, expired or unknown), 422 weak_password. */
export const confirmPasswordReset = (token, newPassword) =>
  api.post('/api/auth/password-reset/confirm', { token, new_password: newPassword })

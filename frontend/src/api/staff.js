import { api } from './client'

/**
 * Admins and staff ({items: [{user_id, username, email, role, theatre_ids}], total, page, per_page});
 * with `q`, any user whose username contains it. params: {q, role, theatre_id, page, per_page}.
 */
export const listStaff = (params) => api.get('/api/admin/staff', params)
/** role: 'manager' | 'scanner' | 'user'; theatreIds: the theatres they work at ([] for 'user'). */
export const setStaffRole = (userId, role, theatreIds) =>
  api.put(`/api/admin/staff/${userId}`, { role, theatre_ids: theatreIds })
/**
 * The audit log, newest first: {items: [{id, at, actor: {id, username} | null, action, entity, entity_id,
 * before, after, ip}], total, page, per_page}. params: {actor_id, entity, entity_id, action, from, to, page, per_page}.
 */
export const listAudit = (params) => api.get('/api/admin/audit', params)

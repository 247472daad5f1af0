import { api } from './client'

// Waiting lists (API.md, "Waiting list"). The server decides who is offered what and when; the UI shows it.

/** Join a houseful screening's list for `quantity` seats: {id, screening_id, quantity, state, position}. */
export const joinWaitlist = (screeningId, quantity) => api.post(`/api/screenings/${screeningId}/waitlist`, { quantity })
/** The caller's entries: {items: [{id, screening, quantity, state, position, hold}], total}. */
export const listWaitlist = () => api.get('/api/waitlist')
/** Leave a list, or decline an offer (its seats go to the next person waiting). */
export const leaveWaitlist = (entryId) => api.delete(`/api/waitlist/${entryId}`)
/** {screening_id, length, my_entry} for the booking page. */
export const screeningWaitlist = (screeningId) => api.get(`/api/screenings/${screeningId}/waitlist`)

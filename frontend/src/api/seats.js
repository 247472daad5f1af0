import { api } from './client'

// Seat maps, holds and layouts (API.md, "Seat maps" and "Holds"). The server decides every rule: which
// seats can be had, prices, how long a hold lasts and how often it may be renewed; the UI shows its answers.

/** {screening_id, categories: [{code, name, price}], rows: [{label, seats: [seat | null]}], seats_left}. */
export const getSeatMap = (screeningId) => api.get(`/api/screenings/${screeningId}/seats`)

/** Holds named seats: createHold(7, {seats: ['A5', 'A6']}), or the best N: createHold(7, {quantity: 2}). */
export const createHold = (screeningId, body) => api.post(`/api/screenings/${screeningId}/holds`, body)
export const getHold = (id) => api.get(`/api/holds/${id}`)
export const renewHold = (id) => api.post(`/api/holds/${id}/renew`)
export const releaseHold = (id) => api.delete(`/api/holds/${id}`)

/** {categories: [{code, name, price_pct}], rows: [{label, seats: [{number, category, accessible?} | null]}]}. */
export const getLayout = (theatreId) => api.get(`/api/theatres/${theatreId}/layout`)
export const saveLayout = (theatreId, layout) => api.put(`/api/theatres/${theatreId}/layout`, layout)

/**
 * Replaces a screening's blocked seats (admin, or a manager of its theatre); [] unblocks all.
 * → {screening_id, seats, seats_left}; 409 seats_unavailable (details.seats) for a seat sold or held.
 */
export const setBlockedSeats = (screeningId, seats) =>
  api.put(`/api/screenings/${screeningId}/blocked-seats`, { seats })

/**
 * The screening's waiting room (docs/waiting-room.md): {admitted: true, expires_at} when the user may choose
 * seats now, or {admitted: false, position, retry_after} (202) while it waits in line.
 */
export const askAdmission = (screeningId) => api.post(`/api/screenings/${screeningId}/admission`)
/** Gives the user's place in the room (or in its line) to the next in line; `keepalive` as the page goes away. */
export const leaveAdmission = (screeningId, { keepalive = false } = {}) =>
  api.delete(`/api/screenings/${screeningId}/admission`, undefined, { keepalive })

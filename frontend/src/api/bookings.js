import { api } from './client'

/**
 * Books seats. The Idempotency-Key makes the attempt safe to repeat: the server answers a repeated key
 * with the first booking instead of booking twice (double clicks, retries after a dropped connection).
 */
export const createBooking = ({ screeningId, quantity, expectedUnitPrice, idempotencyKey }) =>
  api.post(
    '/api/bookings',
    {
      screening_id: Number(screeningId),
      quantity,
      ...(expectedUnitPrice != null ? { expected_unit_price: expectedUnitPrice } : {}),
    },
    { headers: { 'Idempotency-Key': idempotencyKey } },
  )
/** Books exactly the seats of a hold at its prices; expectedTotalPrice guards against a changed quote. */
export const createBookingFromHold = ({ holdId, expectedTotalPrice, idempotencyKey }) =>
  api.post(
    '/api/bookings',
    { hold_id: Number(holdId), ...(expectedTotalPrice != null ? { expected_total_price: expectedTotalPrice } : {}) },
    { headers: { 'Idempotency-Key': idempotencyKey } },
  )
export const listBookings = (params) => api.get('/api/bookings', params)
export const getBooking = (id) => api.get(`/api/bookings/${id}`)
export const cancelBooking = (id) => api.post(`/api/bookings/${id}/cancel`)
export const rateShow = (showId, score) => api.put(`/api/shows/${showId}/rating`, { score })
/**
 * A theatre's bookings with `customer` ({id, username}), for the admin and its managers.
 * params: {when: 'upcoming'|'past', status: 'confirmed'|'cancelled', user_id, page, per_page}.
 */
export const listTheatreBookings = (theatreId, params) => api.get(`/api/theatres/${theatreId}/bookings`, params)

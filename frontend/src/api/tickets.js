import { api } from './client'

/** A booking's tickets: [{id, seat, code, qr (SVG data: URL), status, checked_in_at}] (owner or admin). */
export const listTickets = (bookingId) => api.get(`/api/bookings/${bookingId}/tickets`)
/** The booking as an .ics file: {blob, filename}. */
export const bookingCalendar = (bookingId) =>
  api.blob(`/api/bookings/${bookingId}/calendar.ics`, undefined, { accept: 'text/calendar' })
/**
 * Check a ticket in at a screening's door: {result, ticket: {id, seat}, booking_id, checked_in_at}, or an
 * ApiError. `scannedAt` (ISO text) only when syncing a scan made offline: the time it was scanned.
 */
export const checkIn = ({ code, screeningId, nonce, scannedAt }) =>
  api.post('/api/checkin', { code, screening_id: Number(screeningId), nonce, scanned_at: scannedAt })
/** The key that verifies ticket codes offline: {algorithm: "Ed25519", public_key} (base64url, 32 bytes). */
export const checkinKey = () => api.get('/api/checkin/key')
/** {screening_id, seats_sold, checked_in} */
export const checkinCounts = (screeningId) => api.get(`/api/screenings/${screeningId}/checkin`)
/** The tickets as a PDF: {blob, filename}. */
export const ticketsPdf = (bookingId) =>
  api.blob(`/api/bookings/${bookingId}/tickets.pdf`, undefined, { accept: 'application/pdf' })

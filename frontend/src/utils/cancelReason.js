// Why a booking was cancelled, in words: the API's cancel_reason is a code (API.md), never shown as is.
const KNOWN = ['cancelled_by_user', 'cancelled_by_staff', 'show_removed', 'theatre_removed', 'screening_removed']

/** The message key for a booking's cancel_reason (a code or null); an unknown code gets a general sentence. */
export function cancelReasonKey(reason) {
  return `bookings.cancelReasons.${KNOWN.includes(reason) ? reason : 'other'}`
}

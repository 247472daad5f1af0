import { defineStore } from 'pinia'
import * as bookingsApi from '@/api/bookings'

// Bookings made or changed in this session, by id, so the confirmation page can show a booking at once
// (it still refreshes from the server). Lists are not kept here: they are per page and fetched fresh.
export const useBookingsStore = defineStore('bookings', {
  state: () => ({ byId: {} }),

  actions: {
    remember(booking) {
      if (booking?.id) this.byId[booking.id] = booking
      return booking
    },
    async book(request) {
      return this.remember(await bookingsApi.createBooking(request))
    },
    async bookHold(request) {
      return this.remember(await bookingsApi.createBookingFromHold(request))
    },
    async fetch(id) {
      return this.remember(await bookingsApi.getBooking(id))
    },
    async cancel(id) {
      return this.remember(await bookingsApi.cancelBooking(id))
    },
    async rate(booking, score) {
      const result = await bookingsApi.rateShow(booking.screening.show.id, score)
      // Every booking of that show now carries the new score.
      for (const known of Object.values(this.byId)) {
        if (known.screening?.show?.id === result.show_id) known.my_rating = result.score
      }
      return result
    },
  },
})

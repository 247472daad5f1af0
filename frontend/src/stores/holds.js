import { defineStore } from 'pinia'

// The user's live hold per screening, kept in sessionStorage too so that a reload or a visit to another
// page and back finds the same hold (and its countdown) instead of an orphaned one. Only the hold as the
// server returned it is kept; whether it is still live is always asked of the server.
const STORAGE_KEY = 'ticketshow.holds'

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(STORAGE_KEY) || '{}') || {}
  } catch {
    return {}
  }
}

export const useHoldsStore = defineStore('holds', {
  state: () => ({ byScreening: load() }),
  actions: {
    set(screeningId, hold) {
      if (hold) this.byScreening[screeningId] = hold
      else delete this.byScreening[screeningId]
      try {
        sessionStorage.setItem(STORAGE_KEY, JSON.stringify(this.byScreening))
      } catch {
        // private mode or a full storage: the hold still works for this page
      }
    },
    clearAll() {
      this.byScreening = {}
      try {
        sessionStorage.removeItem(STORAGE_KEY)
      } catch {
        // nothing kept anyway
      }
    },
  },
})

import { defineStore } from 'pinia'
import * as authApi from '@/api/auth'
import { useHoldsStore } from './holds'

const STORAGE_KEY = 'ticketshow.session'
// The in-flight /me request, shared by every guard that waits for it (not state: it is not data).
let meRequest = null

function loadSession() {
  try {
    const session = JSON.parse(localStorage.getItem(STORAGE_KEY) || 'null')
    if (!session?.token) return null
    if (session.expiresAt && session.expiresAt <= Date.now()) return null // expired while away
    return session
  } catch {
    return null
  }
}

export const useAuthStore = defineStore('auth', {
  state: () => {
    const session = loadSession()
    return {
      token: session?.token ?? null,
      expiresAt: session?.expiresAt ?? null,
      // Kept from the last visit so the navbar is right at once; fetchMe() refreshes it.
      user: session?.user ?? null,
    }
  },

  getters: {
    isLoggedIn: (state) => Boolean(state.token),
    isAdmin: (state) => Boolean(state.token && state.user?.roles?.includes('admin')),
    /**
     * What the server says this user may use (GET /api/auth/me `permissions`: manage_theatres, check_in,
     * read_audit…). Only shapes the UI: the server decides again on every request (backend policy.py).
     */
    permissions: (state) => (state.token ? (state.user?.permissions ?? []) : []),
    /** Theatre ids a manager or scanner works at ([] for others; the admin has every theatre). */
    theatreIds: (state) => (state.token ? (state.user?.theatre_ids ?? []) : []),
    /** 'admin' | 'manager' | 'scanner' | 'user' | null (logged out). */
    role: (state) => (state.token ? (state.user?.roles?.[0] ?? 'user') : null),
    /** The staff area (/admin) is for the admin and for managers. */
    hasStaffArea() {
      return this.permissions.includes('view_dashboard')
    },
    /** Where a login without a redirect lands: a scanner's work is at the door. */
    landingPath() {
      return this.role === 'scanner' ? '/scanner' : '/'
    },
    /** The place the user chose as theirs (preselects place filters), or ''. */
    preferredPlace: (state) => (state.token && state.user?.preferences?.place) || '',
  },

  actions: {
    can(permission) {
      return this.permissions.includes(permission)
    },

    /** Whether this user runs that theatre (its layout, screenings): the admin any, a manager their own. A
     * hint for what the UI offers, from GET /api/auth/me; the server decides again on every change. */
    managesTheatre(theatreId) {
      return this.isAdmin || (this.can('manage_theatres') && this.theatreIds.includes(Number(theatreId)))
    },

    /** The theatres among `theatres` this user may run: all for the admin, their own for staff. */
    ownTheatres(theatres) {
      if (this.isAdmin) return theatres
      const mine = new Set(this.theatreIds)
      return theatres.filter((theatre) => mine.has(theatre.id))
    },

    persist() {
      if (this.token) {
        localStorage.setItem(
          STORAGE_KEY,
          JSON.stringify({ token: this.token, expiresAt: this.expiresAt, user: this.user }),
        )
      } else {
        localStorage.removeItem(STORAGE_KEY)
      }
    },

    async login(username, password) {
      const result = await authApi.login(username, password)
      this.token = result.access_token
      this.expiresAt = result.expires_in ? Date.now() + result.expires_in * 1000 : null
      this.user = result.user
      meRequest = Promise.resolve(result.user)
      this.persist()
      return result.user
    },

    async signup(username, email, password, reminders = true) {
      await authApi.signup(username, email, password, reminders)
      return this.login(username, password)
    },

    async logout() {
      try {
        if (this.token) await authApi.logout()
      } catch {
        // The session ends locally whatever the server says (it may already be gone).
      } finally {
        this.clearSession()
      }
    },

    /** Every session of this account ends, this one too (POST /api/auth/logout-all). */
    async logoutEverywhere() {
      try {
        await authApi.logoutEverywhere()
      } finally {
        this.clearSession()
      }
    },

    clearSession() {
      this.token = null
      this.expiresAt = null
      this.user = null
      meRequest = null
      this.persist()
      useHoldsStore().clearAll() // seat holds belong to the session that made them
      // The tickets kept for offline use are this person's: the next one on this device must not see them.
      if (typeof caches !== 'undefined') caches.delete('ticketshow-tickets').catch(() => {})
    },

    async fetchMe() {
      if (!this.token) return null
      const user = await authApi.me()
      this.user = user
      this.persist()
      return user
    },

    /** changes: any of {report_format, reminders, place}. Keeps the answer (the user) as the session's user. */
    async savePreferences(changes) {
      const user = await authApi.updatePreferences(changes)
      this.user = { ...this.user, ...user }
      this.persist()
      return this.user
    },

    /** Changes the account's email address (PATCH /api/auth/me); 409 email_taken and 422 details.email are
     * thrown as ApiErrors for the form. Keeps the answer as the session's user. */
    async changeEmail(email) {
      const user = await authApi.updateMe({ email })
      this.user = { ...this.user, ...user }
      this.persist()
      return this.user
    },

    /** Refreshes the user once per page load; route guards await it before checking roles. */
    ensureUser() {
      if (!this.token) return Promise.resolve(null)
      if (!meRequest) {
        meRequest = this.fetchMe().catch((error) => {
          // 401 already cleared the session (client.js); on other failures keep the cached user.
          if (error?.status !== 401) meRequest = null
          return this.user
        })
      }
      return meRequest
    },
  },
})

// What the Scanner keeps on the device so the door keeps moving when the network drops
// (docs/tickets.md "Offline scanning"):
// - the check-in key and today's screenings, saved each time the page loads them online;
// - the tickets this device let in, per screening (online and offline), so a second offline scan of the same
//   ticket here is refused;
// - the queue of scans let in offline ("unconfirmed"), each with its nonce and the time it was scanned,
//   sent to POST /api/checkin with `scanned_at` when the network is back;
// - the scans the server then refused (a double entry: another scanner had let the ticket in first), with
//   the first time, until staff clear the list.
// All of it is in localStorage under the user's id: it survives a reload or a closed tab, and another
// account on the device does not sync (or see) these scans.

const PREFIX = 'ts-scanner:'

function emptyState() {
  return { key: null, screenings: [], theatres: [], admitted: {}, queue: [], conflicts: [] }
}

/**
 * The device's door state for one user. `storage`: a Storage (localStorage in the app, a Map-backed stand-in
 * in tests); `now`: the clock (a function returning a Date); `newNonce`: a nonce per scan.
 */
export function createOfflineDoor({ storage, userId, now = () => new Date(), newNonce }) {
  const slot = `${PREFIX}${userId}`
  let syncing = null // one sync at a time: the `online` event and the timer may both ask

  function load() {
    try {
      return { ...emptyState(), ...JSON.parse(storage.getItem(slot) || '{}') }
    } catch {
      return emptyState() // a damaged entry is dropped rather than breaking the door
    }
  }
  function save(state) {
    storage.setItem(slot, JSON.stringify(state))
  }
  function update(change) {
    const state = load()
    const result = change(state)
    save(state)
    return result
  }

  return {
    /** The public key last saved, `{algorithm, public_key}`, or null. */
    key: () => load().key,
    /** Today's screenings and the user's theatres as last loaded online (for opening the page offline). */
    cachedLists: () => {
      const { screenings, theatres } = load()
      return { screenings, theatres }
    },
    saveKey: (key) => update((state) => void (state.key = key)),
    saveLists: ({ screenings, theatres }) =>
      update((state) => {
        state.screenings = screenings
        state.theatres = theatres
      }),

    /** Remembers that this device let ticket `ticketId` in at `screeningId` at `at` (ISO text). */
    rememberAdmitted(screeningId, ticketId, at) {
      update((state) => {
        const here = (state.admitted[screeningId] ??= {})
        here[ticketId] ??= at
      })
    },
    /** When this device let the ticket in (ISO text), or null. */
    admittedAt: (screeningId, ticketId) => load().admitted[screeningId]?.[ticketId] ?? null,

    /**
     * Judges a scan without the server. `claim`: what ticketCode.readCode made of the code (null: invalid).
     * Returns `{ok: true, unconfirmed: true, ticket: {id, seat}, scannedAt, nonce}` (queued) or
     * `{ok: false, code: 'invalid_code'|'wrong_screening'|'already_checked_in', ticket?, details}`, the same
     * codes as the server's answers (details.checked_in_at: when this device let it in).
     */
    admitOffline({ code, screeningId, claim, nonce }) {
      if (!claim) return { ok: false, code: 'invalid_code', details: {} }
      const ticket = { id: claim.ticketId, seat: claim.seat }
      if (String(claim.screeningId) !== String(screeningId)) {
        return { ok: false, code: 'wrong_screening', ticket, details: { ticket, screening_id: claim.screeningId } }
      }
      return update((state) => {
        const here = (state.admitted[screeningId] ??= {})
        if (here[ticket.id]) {
          return { ok: false, code: 'already_checked_in', ticket, details: { ticket, checked_in_at: here[ticket.id] } }
        }
        const scannedAt = now().toISOString()
        here[ticket.id] = scannedAt
        state.queue.push({ nonce: nonce ?? newNonce(), code, screeningId: Number(screeningId), ticket, scannedAt })
        return { ok: true, unconfirmed: true, ticket, scannedAt, nonce: state.queue.at(-1).nonce }
      })
    },

    /** The scans let in offline and not yet confirmed by the server, oldest first. */
    pending: () => load().queue,
    /** `[{nonce, ticket, screeningId, scannedAt, code, firstCheckedInAt}]`: let in offline, refused at sync. */
    conflicts: () => load().conflicts,
    clearConflicts: () => update((state) => void (state.conflicts = [])),

    /**
     * Sends the queued scans, oldest first, through `checkIn({code, screeningId, nonce, scannedAt})` (the
     * API call; it rejects with an ApiError). A scan the server answered is done: ok, or a refusal that goes
     * to the conflicts (with `firstCheckedInAt` for already_checked_in). A network error (status 0), a 5xx,
     * 401/403 or 429 stops the sync and keeps the rest for the next try (the same nonce makes a resend of a
     * scan whose answer was lost harmless). Resolves to `{confirmed: [nonces], refused: [conflicts added], left}`.
     */
    sync(checkIn) {
      syncing ??= syncQueue(checkIn).finally(() => (syncing = null))
      return syncing
    },
  }

  async function syncQueue(checkIn) {
    const confirmed = []
    const refused = []
    for (;;) {
      const [next] = load().queue
      if (!next) break
      try {
        await checkIn({ code: next.code, screeningId: next.screeningId, nonce: next.nonce, scannedAt: next.scannedAt })
        confirmed.push(next.nonce)
      } catch (error) {
        const answered = error?.status === 409 || error?.status === 422 || error?.status === 404
        if (!answered) break
        const conflict = {
          nonce: next.nonce,
          ticket: next.ticket,
          screeningId: next.screeningId,
          scannedAt: next.scannedAt,
          code: error.code,
          firstCheckedInAt: error.details?.checked_in_at ?? null,
        }
        refused.push(conflict)
        update((state) => void state.conflicts.push(conflict))
      }
      update((state) => {
        state.queue = state.queue.filter((scan) => scan.nonce !== next.nonce)
      })
    }
    return { confirmed, refused, left: load().queue.length }
  }
}

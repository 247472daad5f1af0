import { computed, onBeforeUnmount, ref, shallowRef } from 'vue'
import * as seatsApi from '@/api/seats'
import { useHoldsStore } from '@/stores/holds'
import { listSeats } from '@/utils/format'
import { i18n } from '@/i18n'

const t = (...args) => i18n.global.t(...args)

const REFRESH_MS = 20_000 // other people's holds and sales appear without a reload

/**
 * The seat picker's state for one screening: the seat map from the server, the user's hold, the seats
 * they want, and a notice for what just happened (a seat taken by someone else, an expired hold).
 *
 * Every click asks the server: the wanted seats are sent as one hold ({seats}), which replaces the
 * user's earlier hold, all or nothing. Requests go one at a time; clicks made meanwhile are sent
 * together next. The server decides availability, prices, limits and expiry; this only shows them.
 */
export function useSeatHold(screeningId) {
  const holds = useHoldsStore()
  const map = shallowRef(null)
  const loadError = ref(null)
  const hold = ref(holds.byScreening[screeningId] ?? null)
  const wanted = ref(hold.value?.seats ? [...hold.value.seats] : [])
  const busy = ref(false) // a hold request is on its way
  const notice = ref(null) // {kind: 'taken'|'expired'|'error'|'info', text, seats?}
  // The seats of a hold that was lost (it lapsed, or was gone when the page was reloaded) until the user picks
  // again: the page must not book other seats in their place (issue 16).
  const lost = ref([])

  const heldSeats = computed(() => hold.value?.seats ?? [])
  const pending = computed(() => (busy.value ? wanted.value.filter((s) => !heldSeats.value.includes(s)) : []))
  // How many seats the user's own holds took off sale since the map was read (negative: gave back). The map
  // is read again only when something happens that the user did not do, so its seats_left, which counts
  // live holds, would still include seats this user has just held.
  const heldSinceMap = computed(() => {
    if (!map.value) return 0
    const mineInMap = new Set()
    for (const row of map.value.rows) for (const s of row.seats) if (s?.state === 'mine') mineInMap.add(s.label)
    const held = new Set(heldSeats.value)
    let taken = 0
    for (const label of held) if (!mineInMap.has(label)) taken += 1
    for (const label of mineInMap) if (!held.has(label)) taken -= 1
    return taken
  })

  function keep(value) {
    hold.value = value
    holds.set(screeningId, value)
  }

  async function refresh() {
    try {
      map.value = await seatsApi.getSeatMap(screeningId)
      loadError.value = null
    } catch (caught) {
      if (!map.value) loadError.value = caught
    }
  }

  /**
   * The first load: the seat map and, when one was kept, whether our hold is still live. `offeredHoldId`
   * (a waiting-list offer opened from its mail or My bookings) is the hold to show; without one, the live
   * hold the seat map says is ours (my_hold) is picked up too.
   */
  async function load(offeredHoldId = null) {
    const kept = offeredHoldId ? { id: offeredHoldId } : hold.value
    let gone = []
    if (kept) {
      try {
        const fresh = await seatsApi.getHold(kept.id)
        if (fresh.state === 'expired' || new Date(fresh.expires_at).getTime() <= Date.now()) throw new Error('expired')
        keep(fresh)
        wanted.value = [...fresh.seats]
      } catch {
        gone = kept.seats ?? [] // gone, replaced, expired or booked
        keep(null)
        wanted.value = []
      }
    }
    await refresh()
    const mine = map.value?.my_hold
    if (!hold.value && mine?.seats?.length) {
      keep(mine)
      wanted.value = [...mine.seats]
    } else if (!hold.value && gone.length) {
      lost.value = [...gone]
      notice.value = { kind: 'expired', text: t('booking.hold.expiredSeats', { seats: listSeats(gone) }) }
    }
  }

  let syncing = null
  function sync() {
    syncing ??= (async () => {
      busy.value = true
      const before = [...heldSeats.value]
      try {
        while (!sameSeats(wanted.value, heldSeats.value)) {
          const asked = [...wanted.value]
          try {
            if (!asked.length) {
              if (hold.value) await seatsApi.releaseHold(hold.value.id).catch(ignoreGone)
              keep(null)
            } else {
              keep(await seatsApi.createHold(screeningId, { seats: asked }))
            }
          } catch (caught) {
            await refused(caught, asked)
            return
          }
        }
        notice.value = changed(before, heldSeats.value)
      } finally {
        busy.value = false
        syncing = null
      }
    })()
    return syncing
  }

  /** Adds or removes one seat from the wanted set and asks the server to hold exactly that set. */
  function toggle(label) {
    notice.value = null
    lost.value = []
    wanted.value = wanted.value.includes(label) ? wanted.value.filter((s) => s !== label) : [...wanted.value, label]
    return sync()
  }

  function clear() {
    notice.value = null
    lost.value = []
    wanted.value = []
    return sync()
  }

  /** "Best available": the server picks `quantity` seats (side by side when it can) and holds them. */
  async function bestAvailable(quantity) {
    if (syncing) await syncing
    notice.value = null
    lost.value = []
    busy.value = true
    try {
      const fresh = await seatsApi.createHold(screeningId, { quantity })
      keep(fresh)
      wanted.value = [...fresh.seats]
      notice.value = {
        kind: 'info',
        text: t('booking.hold.picked', { seats: listSeats(fresh.seats) }, fresh.seats.length),
      }
    } catch (caught) {
      await refused(caught, [])
    } finally {
      busy.value = false
    }
    await refresh()
  }

  async function renew() {
    if (!hold.value) return
    busy.value = true
    try {
      keep(await seatsApi.renewHold(hold.value.id))
      notice.value = { kind: 'info', text: t('booking.hold.renewed') }
    } catch (caught) {
      if (caught.code === 'hold_expired' || caught.status === 404) await expired()
      else notice.value = { kind: 'error', text: caught.message }
      if (caught.code === 'renewal_limit') keep({ ...hold.value, renewals_left: 0 })
    } finally {
      busy.value = false
    }
  }

  /** The hold ran out (the countdown reached zero, or the server said hold_expired): say so, start afresh. */
  async function expired() {
    const seats = heldSeats.value
    keep(null)
    wanted.value = []
    if (seats.length) lost.value = [...seats]
    notice.value = {
      kind: 'expired',
      text: seats.length ? t('booking.hold.expiredSeats', { seats: listSeats(seats) }) : t('booking.hold.expired'),
    }
    await refresh()
  }

  /** After a booking the hold is used up. */
  function booked() {
    keep(null)
    wanted.value = []
    lost.value = []
  }

  async function refused(caught, asked) {
    const taken = caught.details?.seats ?? []
    if (caught.code === 'seats_unavailable') {
      const names = taken.length ? taken : asked
      notice.value = {
        kind: 'taken',
        seats: names,
        text: t('booking.hold.taken', { seats: listSeats(names) }, names.length),
      }
    } else if (caught.code === 'houseful') {
      notice.value = { kind: 'houseful', text: t('booking.hold.houseful') }
    } else if (caught.code === 'screening_started') {
      notice.value = { kind: 'started', text: t('booking.hold.started') }
    } else if (caught.code === 'waiting_room') {
      // The screening's waiting room is full and our place in it ran out: the page puts us back in line.
      notice.value = { kind: 'waiting', text: caught.message, details: caught.details }
    } else {
      notice.value = { kind: 'error', text: caught.message }
    }
    // All or nothing: the refused request changed nothing, so we still hold what we held (if that is
    // still live): ask the server rather than guess.
    if (hold.value) {
      try {
        const fresh = await seatsApi.getHold(hold.value.id)
        keep(fresh.state === 'expired' ? null : fresh)
      } catch {
        keep(null)
      }
    }
    wanted.value = [...heldSeats.value]
    await refresh()
  }

  const timer = setInterval(() => {
    if (!busy.value && document.visibilityState === 'visible') refresh()
  }, REFRESH_MS)
  onBeforeUnmount(() => clearInterval(timer))

  return {
    map,
    loadError,
    hold,
    wanted,
    heldSeats,
    heldSinceMap,
    pending,
    busy,
    notice,
    lost,
    load,
    refresh,
    toggle,
    clear,
    bestAvailable,
    renew,
    expired,
    booked,
  }
}

/**
 * What a click did, said aloud and on screen (issue 16: a second seat picked with one ticket chosen must not
 * pass in silence): {kind: 'info', text: "Added F13. You now hold 2 seats: F12 and F13."}, or null.
 * The picker adds each clicked seat to the selection (the ticket count follows the seats picked).
 */
function changed(before, after) {
  const added = after.filter((s) => !before.includes(s))
  const removed = before.filter((s) => !after.includes(s))
  if (!added.length && !removed.length) return null
  const parts = []
  if (added.length) parts.push(t('booking.hold.added', { seats: listSeats(added) }))
  if (removed.length) parts.push(t('booking.hold.removed', { seats: listSeats(removed) }))
  parts.push(
    after.length
      ? t('booking.hold.nowHolding', { seats: listSeats(after), n: after.length }, after.length)
      : t('booking.hold.noneHeld'),
  )
  return { kind: 'info', text: parts.join(' ') }
}

function sameSeats(a, b) {
  return a.length === b.length && a.every((s) => b.includes(s))
}

function ignoreGone(caught) {
  if (caught.status !== 404) throw caught
}

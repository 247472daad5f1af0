// Display and input conversions. Showtimes are always shown in the theatre chain's local time, the
// server's APP_TIMEZONE (served by GET /api/config, see serverConfig.js), whatever the visitor's own time
// zone is; times sent to the API carry that zone's offset at that moment (daylight saving included).
// Words, dates and figures follow the UI's language through intlLocale() ("en-IN" | "hi-IN" | "ta-IN"):
// India's conventions in every language, so money always reads with Indian grouping (₹1,00,000.00).
import { serverConfig } from '@/serverConfig'
import { i18n, intlLocale } from '@/i18n'

const t = (...args) => i18n.global.t(...args)

/** The zone every time is shown and sent in: the server's APP_TIMEZONE. */
export const appTimeZone = () => serverConfig.timezone

// Intl formatters are costly to build: one per zone, locale and kind, built on first use.
const formatters = new Map()
function zoned(kind, locale, options) {
  const zone = appTimeZone()
  const key = `${zone}|${locale}|${kind}`
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat(locale, { timeZone: zone, ...options }))
  return formatters.get(key)
}
const numberFormats = new Map()
function numbers(kind, options) {
  const locale = intlLocale()
  const key = `${locale}|${kind}`
  if (!numberFormats.has(key)) numberFormats.set(key, new Intl.NumberFormat(locale, options))
  return numberFormats.get(key)
}
const money = () => numbers('money', { style: 'currency', currency: 'INR' })

/** 250 -> "₹250.00"; 100000 -> "₹1,00,000.00" (Indian grouping in every language) */
export function formatPrice(amount) {
  if (amount === null || amount === undefined || amount === '') return '—'
  return money().format(Number(amount))
}

const DATE_TIME = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
}
const TIME = { hour: 'numeric', minute: '2-digit' }
const DAY = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }
// en-CA gives YYYY-MM-DD, which sorts and groups well.
const DAY_KEY = { year: 'numeric', month: '2-digit', day: '2-digit' }
const WALL_CLOCK = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
}

/** "2026-12-01T18:30:00Z" -> "Tue, 1 Dec 2026, 6:30 pm" (with APP_TIMEZONE Europe/London; in Hindi "मंगल, 1 दिस॰ 2026, 6:30 pm") */
export const formatDateTime = (iso) => (iso ? zoned('dateTime', intlLocale(), DATE_TIME).format(new Date(iso)) : '—')
/** -> "6:30 pm" */
export const formatTime = (iso) => zoned('time', intlLocale(), TIME).format(new Date(iso))
/** -> "Tuesday, 1 December 2026" */
export const formatDay = (iso) => zoned('day', intlLocale(), DAY).format(new Date(iso))
/** -> "2026-12-01", the local day a screening belongs to. */
export const dayKey = (iso) => zoned('dayKey', 'en-CA', DAY_KEY).format(new Date(iso))

/** The zone's name for people: "India Standard Time", "भारतीय मानक समय" (at that moment: now by default). */
export function timeZoneName(at = new Date()) {
  const part = zoned('zoneName', intlLocale(), { timeZoneName: 'long' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')
  return part ? part.value : appTimeZone()
}

/** {year, month, day, hour, minute, second} of an instant on the zone's wall clock (numbers). */
function wallClock(ms) {
  const parts = zoned('wall', 'en-GB', WALL_CLOCK).formatToParts(new Date(ms))
  const value = Object.fromEntries(parts.filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]))
  return value
}

/** Minutes the zone is ahead of UTC at an instant: 330 in Kolkata, 0 or 60 in London. */
function offsetMinutes(ms) {
  const w = wallClock(ms)
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000)
}

/** 60 -> "+01:00", -300 -> "-05:00", 0 -> "+00:00" */
function formatOffset(minutes) {
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

/** Value for <input type="datetime-local"> showing the instant in the theatre's local time. */
export function toLocalInputValue(iso) {
  if (!iso) return ''
  const w = wallClock(new Date(iso).getTime())
  const two = (n) => String(n).padStart(2, '0')
  return `${w.year}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}`
}

/**
 * "2026-07-01T18:30" typed in the form (theatre local time) -> "2026-07-01T18:30:00+01:00": the wall time
 * with the zone's offset at that moment (in London "+00:00" in winter, "+01:00" in summer).
 */
export function fromLocalInputValue(value) {
  if (!value) return null
  const wall = value.length === 16 ? `${value}:00` : value.slice(0, 19)
  const [date, time] = wall.split('T')
  const [y, mo, d] = date.split('-').map(Number)
  const [h, mi, s] = time.split(':').map(Number)
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s)
  // The offset at the instant this wall time means; a second look settles the hours around a change.
  let offset = offsetMinutes(asUtc - offsetMinutes(asUtc) * 60000)
  const again = offsetMinutes(asUtc - offset * 60000)
  if (again !== offset) offset = again
  return `${wall}${formatOffset(offset)}`
}

/** 135 -> "2 h 15 min" ("2 घंटे 15 मिनट", "2 மணி 15 நிமி") */
export function formatDuration(minutes) {
  if (!minutes) return ''
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return [h ? t('format.hours', { n: h }, h) : '', m ? t('format.minutes', { n: m }) : ''].filter(Boolean).join(' ')
}

/** Groups screenings (sorted by time) into [{key, label, screenings}] by local day. */
export function groupByDay(screenings) {
  const groups = new Map()
  const sorted = [...screenings].sort((a, b) => new Date(a.starts_at) - new Date(b.starts_at))
  for (const screening of sorted) {
    const key = dayKey(screening.starts_at)
    if (!groups.has(key)) groups.set(key, { key, label: formatDay(screening.starts_at), screenings: [] })
    groups.get(key).screenings.push(screening)
  }
  return [...groups.values()]
}

/**
 * Labels for theatre <option>s: the theatre's name, plus its place only when another theatre has the
 * same name (e.g. two "PVR"s), so the usual case reads cleanly and the rare one stays unambiguous.
 */
/** A booking's seats as people read them: labels ("A1", "H10"); only a booking from before seat maps, which has
 * no labels, falls back to its seat numbers (positions in the layout, which mean nothing at the door). */
export function bookingSeats(booking) {
  return booking.seats?.length ? booking.seats : (booking.seat_numbers ?? [])
}

export function theatreOptions(theatres) {
  const counts = new Map()
  for (const theatre of theatres) counts.set(theatre.name, (counts.get(theatre.name) ?? 0) + 1)
  return theatres.map((theatre) => ({
    value: String(theatre.id),
    label: counts.get(theatre.name) > 1 ? `${theatre.name} (${theatre.place})` : theatre.name,
  }))
}

// ---------- Local days (APP_TIMEZONE), for timeframes sent to the API ----------

/** Today's date in the theatre chain's time zone, "YYYY-MM-DD". */
export const todayKey = (now = new Date()) => dayKey(now)

/** "2026-12-01" + 2 -> "2026-12-03" (calendar arithmetic on the date alone, no time zone involved). */
export function addDays(key, days) {
  const date = new Date(`${key}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

/** 0 = Sunday … 6 = Saturday, for a "YYYY-MM-DD" day. */
export const weekday = (key) => new Date(`${key}T00:00:00Z`).getUTCDay()

/** Local midnight starting that day, with the offset the API requires: "2026-12-01T00:00:00+00:00" (London). */
export const startOfDay = (key) => fromLocalInputValue(`${key}T00:00:00`)

/** An instant as local time with the offset: "2026-07-01T18:30:05+01:00" (to the second, London in summer). */
export function toOffsetIso(date = new Date()) {
  const ms = date.getTime()
  const w = wallClock(ms)
  const two = (n) => String(n).padStart(2, '0')
  return `${w.year}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}:${two(w.second)}${formatOffset(offsetMinutes(ms))}`
}

/** "Sat, 5 Dec" for a "YYYY-MM-DD" day. */
export function formatShortDay(key) {
  return new Intl.DateTimeFormat(intlLocale(), {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  }).format(new Date(`${key}T00:00:00Z`))
}

/** Whether a screening has started (it can no longer be booked). */
export const hasStarted = (iso, now = Date.now()) => new Date(iso).getTime() <= now

// ---------- Figures and months (dashboard, reports) ----------

/** 12345 -> "12,345" (Indian grouping: 1,23,456) */
export const formatCount = (value) =>
  value === null || value === undefined ? '—' : numbers('count', {}).format(Number(value))

/** 0.425 -> "43%" (occupancy is 0..1) */
export function formatPercent(fraction) {
  if (fraction === null || fraction === undefined || Number.isNaN(Number(fraction))) return '—'
  return numbers('percent', { style: 'percent', maximumFractionDigits: 0 }).format(Number(fraction))
}

/** 1234567 -> "₹12.3L"-style short money for chart axes ("₹12.3 लाख" in Hindi): "₹12,34,567" is too wide there. */
export const formatPriceShort = (amount) =>
  numbers('compactMoney', { style: 'currency', currency: 'INR', notation: 'compact', maximumFractionDigits: 1 }).format(
    Number(amount) || 0,
  )

/** The month before today's (in APP_TIMEZONE), "YYYY-MM". */
export function lastMonthKey(now = new Date()) {
  const [year, month] = todayKey(now).split('-').map(Number)
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`
}

/** "2026-11" -> "November 2026" */
export function formatMonth(key) {
  const match = /^(\d{4})-(\d{2})$/.exec(key || '')
  if (!match) return key || ''
  return new Intl.DateTimeFormat(intlLocale(), { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(
    new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)),
  )
}

// ---------- Prices that move (dynamic pricing) and forecasts ----------

/** How a price moved last: {label, icon} for 'rising' and 'falling', null for 'steady' or unknown. */
export function priceTrend(trend) {
  if (trend === 'rising') return { label: t('format.priceRising'), icon: 'arrow-up-right' }
  if (trend === 'falling') return { label: t('format.priceFalling'), icon: 'arrow-down-right' }
  return null
}

// The reasons the API gives for a price change (format.priceReason.<reason> in the messages).
const PRICE_CHANGE_REASONS = ['booking', 'cancellation', 'time', 'settings', 'admin', 'capacity', 'created']
/** 'booking' -> "Seats were booked": why a screening's price moved, in words. */
export const priceChangeReason = (reason) =>
  PRICE_CHANGE_REASONS.includes(reason) ? t(`format.priceReason.${reason}`) : (reason ?? '—')

/** The lowest and highest price dynamic pricing allows for a base price: ⌈base × floor⌉ … ⌊base × ceiling⌋. */
export function dynamicPriceRange(base, floorPct, ceilingPct) {
  const amount = Number(base)
  const floor = Number(floorPct)
  const ceiling = Number(ceilingPct)
  if (!(amount > 0) || !Number.isFinite(floor) || !Number.isFinite(ceiling)) return null
  // Percentages as integers keep 200 × 115 / 100 exact (200 × 1.15 is 229.99999…).
  return { low: Math.ceil((amount * floor) / 100), high: Math.floor((amount * ceiling) / 100) }
}

/** 12.3 (occupancy points) -> "+12 pts"; -4.6 -> "−5 pts". */
export function formatPoints(effect) {
  const value = Math.round(Number(effect) || 0)
  if (value === 0) return t('format.points', { n: '±0' })
  return t('format.points', { n: `${value > 0 ? '+' : '−'}${Math.abs(value)}` })
}

/** A popularity score 0..100 as "72/100", or null when there is none yet. */
export const formatPopularity = (score) =>
  score === null || score === undefined ? null : `${Math.round(Number(score))}/100`

const SHORT_DATE_TIME = { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }
/** "2026-12-01T18:30:00Z" -> "1 Dec, 6:30 pm" in London (chart axes, compact tables). */
export const formatShortDateTime = (iso) =>
  iso ? zoned('shortDateTime', intlLocale(), SHORT_DATE_TIME).format(new Date(iso)) : '—'

// ---------- Seats ----------

/** A seat's price: 240 -> "₹240" (seat prices are whole rupees), 240.5 -> "₹240.50". */
export function formatSeatPrice(amount) {
  if (amount === null || amount === undefined || amount === '') return '—'
  const value = Number(amount)
  return Number.isInteger(value)
    ? numbers('wholeRupees', { style: 'currency', currency: 'INR', maximumFractionDigits: 0 }).format(value)
    : money().format(value)
}

/** ["A5", "A6", "B1"] -> "A5, A6 and B1" ("A5, A6 और B1", "A5, A6 மற்றும் B1"). */
export function listSeats(labels) {
  if (!labels?.length) return ''
  return new Intl.ListFormat(intlLocale(), { style: 'long', type: 'conjunction' }).format(labels)
}

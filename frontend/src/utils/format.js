// Display and input conversions. Showtimes are always shown in the theatre chain's local time
// (APP_TIMEZONE on the server), whatever the visitor's own time zone is.

export const APP_TIMEZONE = 'Asia/Kolkata'
const APP_OFFSET = '+05:30' // Asia/Kolkata has no daylight saving, so the offset is fixed
const LOCALE = 'en-IN'

const money = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'INR' })

/** 250 -> "₹250.00" */
export function formatPrice(amount) {
  if (amount === null || amount === undefined || amount === '') return '—'
  return money.format(Number(amount))
}

const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, {
  timeZone: APP_TIMEZONE,
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
})
const timeFormat = new Intl.DateTimeFormat(LOCALE, { timeZone: APP_TIMEZONE, hour: 'numeric', minute: '2-digit' })
const dayFormat = new Intl.DateTimeFormat(LOCALE, {
  timeZone: APP_TIMEZONE,
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
})
// en-CA gives YYYY-MM-DD, which sorts and groups well.
const dayKeyFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: APP_TIMEZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** "2026-12-01T18:30:00+05:30" -> "Tue, 1 Dec 2026, 6:30 pm" */
export const formatDateTime = (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : '—')
/** -> "6:30 pm" */
export const formatTime = (iso) => timeFormat.format(new Date(iso))
/** -> "Tuesday, 1 December 2026" */
export const formatDay = (iso) => dayFormat.format(new Date(iso))
/** -> "2026-12-01", the local day a screening belongs to. */
export const dayKey = (iso) => dayKeyFormat.format(new Date(iso))

/** Value for <input type="datetime-local"> showing the instant in the theatre's local time. */
export function toLocalInputValue(iso) {
  if (!iso) return ''
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: APP_TIMEZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  )
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`
}

/** "2026-12-01T18:30" typed in the form (theatre local time) -> "2026-12-01T18:30:00+05:30". */
export function fromLocalInputValue(value) {
  if (!value) return null
  const withSeconds = value.length === 16 ? `${value}:00` : value.slice(0, 19)
  return `${withSeconds}${APP_OFFSET}`
}

/** 135 -> "2 h 15 min" */
export function formatDuration(minutes) {
  if (!minutes) return ''
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ')
}

/** "3 upcoming screenings" / "1 upcoming screening" */
export function plural(count, singular, pluralForm = `${singular}s`) {
  return `${count} ${count === 1 ? singular : pluralForm}`
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
export function theatreOptions(theatres) {
  const counts = new Map()
  for (const theatre of theatres) counts.set(theatre.name, (counts.get(theatre.name) ?? 0) + 1)
  return theatres.map((theatre) => ({
    value: String(theatre.id),
    label: counts.get(theatre.name) > 1 ? `${theatre.name} (${theatre.place})` : theatre.name,
  }))
}

// ---------- Local (Asia/Kolkata) days, for timeframes sent to the API ----------

/** Today's date in the theatre chain's time zone, "YYYY-MM-DD". */
export const todayKey = (now = new Date()) => dayKeyFormat.format(now)

/** "2026-12-01" + 2 -> "2026-12-03" (calendar arithmetic on the date alone, no time zone involved). */
export function addDays(key, days) {
  const date = new Date(`${key}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

/** 0 = Sunday … 6 = Saturday, for a "YYYY-MM-DD" day. */
export const weekday = (key) => new Date(`${key}T00:00:00Z`).getUTCDay()

/** Local midnight starting that day, with the offset the API requires: "2026-12-01T00:00:00+05:30". */
export const startOfDay = (key) => `${key}T00:00:00${APP_OFFSET}`

/** An instant as local time with the offset: "2026-12-01T18:30:00+05:30". */
export const toOffsetIso = (date = new Date()) => fromLocalInputValue(toLocalInputValue(date.toISOString()))

/** "Sat, 5 Dec" for a "YYYY-MM-DD" day. */
export function formatShortDay(key) {
  return new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(
    new Date(`${key}T00:00:00Z`),
  )
}

/** Whether a screening has started (it can no longer be booked). */
export const hasStarted = (iso, now = Date.now()) => new Date(iso).getTime() <= now

// ---------- Figures and months (dashboard, reports) ----------

const count = new Intl.NumberFormat(LOCALE)
/** 12345 -> "12,345" (Indian grouping: 1,23,456) */
export const formatCount = (value) => (value === null || value === undefined ? '—' : count.format(Number(value)))

/** 0.425 -> "43%" (occupancy is 0..1) */
export function formatPercent(fraction) {
  if (fraction === null || fraction === undefined || Number.isNaN(Number(fraction))) return '—'
  return `${Math.round(Number(fraction) * 100)}%`
}

/** 1234567 -> "₹12.3L"-style short money for chart axes: "₹12,34,567" is too wide there. */
const compactMoney = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'INR', notation: 'compact', maximumFractionDigits: 1 })
export const formatPriceShort = (amount) => compactMoney.format(Number(amount) || 0)

/** The month before today's (Asia/Kolkata), "YYYY-MM". */
export function lastMonthKey(now = new Date()) {
  const [year, month] = todayKey(now).split('-').map(Number)
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`
}

/** "2026-11" -> "November 2026" */
export function formatMonth(key) {
  const match = /^(\d{4})-(\d{2})$/.exec(key || '')
  if (!match) return key || ''
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(
    new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)),
  )
}

// ---------- Prices that move (dynamic pricing) and forecasts ----------

/** How a price moved last: {label, icon} for 'rising' and 'falling', null for 'steady' or unknown. */
export function priceTrend(trend) {
  if (trend === 'rising') return { label: 'Price rising', icon: 'arrow-up-right' }
  if (trend === 'falling') return { label: 'Price falling', icon: 'arrow-down-right' }
  return null
}

const PRICE_CHANGE_REASONS = {
  booking: 'Seats were booked',
  cancellation: 'A booking was cancelled',
  time: 'Time to the show',
  settings: 'Pricing settings changed',
  admin: 'Base price changed',
  capacity: 'Theatre capacity changed',
  created: 'Screening added',
}
/** 'booking' -> "Seats were booked": why a screening's price moved, in words. */
export const priceChangeReason = (reason) => PRICE_CHANGE_REASONS[reason] ?? reason ?? '—'

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
  if (value === 0) return '±0 pts'
  return `${value > 0 ? '+' : '−'}${Math.abs(value)} pts`
}

/** A popularity score 0..100 as "72/100", or null when there is none yet. */
export const formatPopularity = (score) => (score === null || score === undefined ? null : `${Math.round(Number(score))}/100`)

const shortDateTimeFormat = new Intl.DateTimeFormat(LOCALE, {
  timeZone: APP_TIMEZONE,
  day: 'numeric',
  month: 'short',
  hour: 'numeric',
  minute: '2-digit',
})
/** "2026-12-01T18:30:00+05:30" -> "1 Dec, 6:30 pm" (chart axes, compact tables). */
export const formatShortDateTime = (iso) => (iso ? shortDateTimeFormat.format(new Date(iso)) : '—')

// ---------- Seats ----------

const wholeRupees = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'INR', maximumFractionDigits: 0 })
/** A seat's price: 240 -> "₹240" (seat prices are whole rupees), 240.5 -> "₹240.50". */
export function formatSeatPrice(amount) {
  if (amount === null || amount === undefined || amount === '') return '—'
  const value = Number(amount)
  return Number.isInteger(value) ? wholeRupees.format(value) : money.format(value)
}

/** ["A5", "A6", "B1"] -> "A5, A6 and B1". */
export function listSeats(labels) {
  if (!labels?.length) return ''
  if (labels.length === 1) return labels[0]
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`
}

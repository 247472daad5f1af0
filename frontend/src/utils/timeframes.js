// The quick timeframes of the "What's on" page. Days are the theatre chain's local days (APP_TIMEZONE),
// and every bound is sent with that zone's offset at that moment, as the API requires.
import { addDays, formatShortDay, startOfDay, toOffsetIso, todayKey, weekday } from './format'
import { i18n } from '@/i18n'

const t = (key) => i18n.global.t(key)

// Labels are message keys (shows.range.*), read with $t where shown, so they follow a change of language.
export const RANGES = [
  { value: 'today', label: 'shows.range.today' },
  { value: 'tomorrow', label: 'shows.range.tomorrow' },
  { value: 'weekend', label: 'shows.range.weekend' },
  { value: 'week', label: 'shows.range.week' },
  { value: 'custom', label: 'shows.range.custom' },
]
export const DEFAULT_RANGE = 'week'

/**
 * {from, to, caption} for a range; for 'custom', fromDay/toDay are "YYYY-MM-DD" (both inclusive).
 * Nothing that has already started is asked for: a range that includes today begins now.
 * Returns {error} when custom dates are missing or reversed.
 */
export function timeframe(range, { fromDay = '', toDay = '' } = {}, now = new Date()) {
  const today = todayKey(now)
  const nowIso = toOffsetIso(now)
  const fromDayOrNow = (day) => (day <= today ? nowIso : startOfDay(day))
  switch (range) {
    case 'today':
      return { from: nowIso, to: startOfDay(addDays(today, 1)), caption: formatShortDay(today) }
    case 'tomorrow': {
      const day = addDays(today, 1)
      return { from: startOfDay(day), to: startOfDay(addDays(day, 1)), caption: formatShortDay(day) }
    }
    case 'weekend': {
      const wd = weekday(today)
      const saturday = wd === 0 ? addDays(today, -1) : addDays(today, 6 - wd)
      const sunday = addDays(saturday, 1)
      return {
        from: fromDayOrNow(saturday),
        to: startOfDay(addDays(sunday, 1)),
        caption: `${formatShortDay(saturday)} – ${formatShortDay(sunday)}`,
      }
    }
    case 'custom': {
      if (!fromDay || !toDay) return { error: t('shows.range.bothDates') }
      if (toDay < fromDay) return { error: t('shows.range.reversed') }
      if (toDay < today) return { error: t('shows.range.past') }
      return {
        from: fromDayOrNow(fromDay),
        to: startOfDay(addDays(toDay, 1)),
        caption: fromDay === toDay ? formatShortDay(fromDay) : `${formatShortDay(fromDay)} – ${formatShortDay(toDay)}`,
      }
    }
    default: {
      const end = new Date(now.getTime() + 7 * 24 * 3600 * 1000)
      return {
        from: nowIso,
        to: toOffsetIso(end),
        caption: `${formatShortDay(today)} – ${formatShortDay(todayKey(end))}`,
      }
    }
  }
}

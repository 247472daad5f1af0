// Which language the UI starts in, and how figures, money and dates read in Hindi and Tamil.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { applyLocale, i18n, initialLocale, intlLocale, loadLocale, setLocale, STORAGE_KEY, SUPPORTED } from '@/i18n'
import {
  formatCount,
  formatDateTime,
  formatDuration,
  formatPrice,
  formatSeatPrice,
  listSeats,
  timeZoneName,
} from '@/utils/format'
import { setServerConfig } from '@/serverConfig'
import { useAuthStore } from '@/stores/auth'
import { json, sameOriginFetch, startServer } from './server'

/** A localStorage stand-in (Node has none): a plain Map behind the Storage methods the UI uses. */
function memoryStorage(initial = {}) {
  const map = new Map(Object.entries(initial))
  return {
    getItem: (key) => (map.has(key) ? map.get(key) : null),
    setItem: (key, value) => map.set(key, String(value)),
    removeItem: (key) => map.delete(key),
  }
}

function browser({ languages = ['en-US'], stored = null } = {}) {
  vi.stubGlobal('navigator', { languages, language: languages[0] })
  vi.stubGlobal('localStorage', memoryStorage(stored ? { [STORAGE_KEY]: stored } : {}))
}

beforeAll(() => Promise.all(SUPPORTED.map(loadLocale))) // Hindi and Tamil are chunks of their own
afterEach(() => {
  vi.unstubAllGlobals()
  applyLocale('en')
})

describe('the first language', () => {
  it("is the logged-in user's choice, before this browser's and the browser's own", () => {
    browser({ languages: ['hi-IN'], stored: 'en' })
    expect(initialLocale({ preferences: { locale: 'ta' } })).toBe('ta')
  })

  it("is this browser's last choice when the user has none (or nobody is logged in)", () => {
    browser({ languages: ['hi-IN', 'en'], stored: 'ta' })
    expect(initialLocale({ preferences: { locale: null } })).toBe('ta')
    expect(initialLocale(null)).toBe('ta')
  })

  it("is the first of the browser's languages we speak", () => {
    browser({ languages: ['fr-FR', 'ta-IN', 'hi'] })
    expect(initialLocale(null)).toBe('ta')
    browser({ languages: ['hi'] })
    expect(initialLocale(null)).toBe('hi')
  })

  it('is English when nothing else applies, and ignores a stored value we do not speak', () => {
    browser({ languages: ['fr-FR', 'de'], stored: 'xx' })
    expect(initialLocale({ preferences: { locale: 'de' } })).toBe('en')
  })

  it('setLocale shows the language, and remembers it in this browser', async () => {
    browser({ languages: ['en-US'] })
    await setLocale('hi')
    expect(i18n.global.locale.value).toBe('hi')
    expect(localStorage.getItem(STORAGE_KEY)).toBe('hi')
    expect(intlLocale()).toBe('hi-IN')
    expect(initialLocale(null)).toBe('hi')
    expect(i18n.global.t('nav.myBookings')).toBe('मेरी बुकिंग')
  })

  it('knows exactly English, Hindi and Tamil', () => {
    expect(SUPPORTED).toEqual(['en', 'hi', 'ta'])
  })
})

describe('formatting in Hindi and Tamil', () => {
  beforeEach(() => setServerConfig({ timezone: 'Asia/Kolkata' }))

  it.each(['en', 'hi', 'ta'])('money reads with Indian grouping in %s: ₹1,00,000.00', (code) => {
    applyLocale(code)
    expect(formatPrice(100000)).toBe('₹1,00,000.00')
    expect(formatPrice('1234567.5')).toBe('₹12,34,567.50')
    expect(formatSeatPrice(240)).toBe('₹240')
    expect(formatCount(123456)).toBe('1,23,456')
  })

  it('dates, the time zone and lists are in the language', () => {
    const at = '2026-12-01T13:00:00Z' // 6:30 pm in Kolkata
    applyLocale('hi')
    expect(formatDateTime(at)).toContain('दिस')
    expect(timeZoneName(new Date(at))).toBe('भारतीय मानक समय')
    expect(listSeats(['A5', 'A6', 'B1'])).toContain('और B1')
    expect(formatDuration(135)).toBe('2 घंटे 15 मिनट')
    expect(formatDuration(60)).toBe('1 घंटा')
    applyLocale('ta')
    expect(formatDateTime(at)).toContain('டிச')
    expect(timeZoneName(new Date(at))).toBe('இந்திய நிலையான நேரம்')
    expect(listSeats(['A5', 'A6', 'B1'])).toBe('A5, A6 மற்றும் B1')
    applyLocale('en')
    expect(formatDateTime(at)).toContain('Dec')
    expect(listSeats(['A5', 'A6', 'B1'])).toBe('A5, A6 and B1')
  })

  it('plural messages follow each language', () => {
    applyLocale('en')
    expect(i18n.global.t('errors.tooManyAttempts', 1)).toContain('1 minute.')
    expect(i18n.global.t('errors.tooManyAttempts', 3)).toContain('3 minutes')
    applyLocale('hi')
    expect(i18n.global.t('errors.tooManyAttempts', 3)).toContain('3 मिनट')
  })
})

describe("a logged-in user's choice", () => {
  let server
  let answer
  beforeAll(async () => {
    server = await startServer(() => answer)
  })
  afterAll(() => server.close())

  function loggedIn() {
    browser({ languages: ['en-US'] })
    vi.stubGlobal('fetch', sameOriginFetch(server.base))
    setActivePinia(createPinia())
    const auth = useAuthStore()
    auth.token = 'token-1'
    auth.user = { id: 7, username: 'meena', preferences: { locale: null, place: 'Madurai' } }
    return auth
  }

  it('is saved to the account (PATCH /api/auth/me/preferences {locale}) and the answer kept', async () => {
    const auth = loggedIn()
    answer = json(200, { id: 7, username: 'meena', preferences: { locale: 'ta', place: 'Madurai' } })
    await setLocale('ta')
    const sent = server.requests.at(-1)
    expect([sent.method, sent.url, JSON.parse(sent.body)]).toEqual([
      'PATCH',
      '/api/auth/me/preferences',
      { locale: 'ta' },
    ])
    expect(sent.headers['accept-language']).toBe('ta')
    expect(auth.user.preferences.locale).toBe('ta')
    expect(localStorage.getItem(STORAGE_KEY)).toBe('ta')
  })

  it('stays in this browser when the server refuses it (422 from a server without the field)', async () => {
    const auth = loggedIn()
    answer = json(422, { error: { code: 'validation_error', message: 'Unknown field.', details: { locale: ['?'] } } })
    await expect(setLocale('hi')).resolves.toBe('hi')
    expect(i18n.global.locale.value).toBe('hi')
    expect(localStorage.getItem(STORAGE_KEY)).toBe('hi')
    expect(auth.user.preferences.locale).toBeNull()
  })
})

describe('the languages loaded', () => {
  it('has English from the start and loads Hindi and Tamil once each', async () => {
    expect(i18n.global.availableLocales).toContain('en')
    const [hi, again] = await Promise.all([loadLocale('hi'), loadLocale('hi-IN')])
    expect([hi, again, await loadLocale('xx')]).toEqual(['hi', 'hi', 'en'])
    // the chunk's messages come compiled (scripts/precompiled-messages.js): read as the UI reads them
    expect(i18n.global.t('nav.myBookings', {}, { locale: 'hi' })).toBe('मेरी बुकिंग')
  })
})

describe('Hindi ordinals', () => {
  // Hindi's ordinals are words for 1–4 (पहला, दूसरा, तीसरा, चौथा) and -वाँ only from 5 on, so a suffix glued
  // to a number placeholder ("{position}वें") reads "1वें", wrong for the commonest values. Say "नंबर {position}".
  it('no Hindi message glues an ordinal suffix to a number placeholder', async () => {
    const { readdirSync, readFileSync } = await import('node:fs')
    const dir = new URL('../../src/locales/hi/', import.meta.url)
    const glued = []
    for (const file of readdirSync(dir)) {
      const text = readFileSync(new URL(file, dir), 'utf8')
      for (const match of text.matchAll(/\{[A-Za-z]+\}\s?(वें|वाँ|वां|वीं|वा|वी|ला|ले|ली)(?![\u0900-\u097F])/g)) {
        glued.push(`${file}: ${match[0]}`)
      }
    }
    expect(glued).toEqual([])
  })
})

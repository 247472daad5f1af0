// The staff pages' and the seat map's messages (admin.*, seatmap.*) in English, Hindi and Tamil: every one
// compiles and fills its placeholders (vue-i18n compiles a message only when it is first shown, so a broken
// one would otherwise surface on a screen nobody looked at), and the sentences built from several messages
// read whole in each language.
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { applyLocale, i18n, loadLocale, loadMessages, SUPPORTED } from '@/i18n'

const { t, tm } = i18n.global

// Hindi and Tamil are chunks of their own, and admin.* a chunk per language (loadMessages: then every language
// loaded gets it too).
beforeAll(async () => {
  await loadMessages('admin')
  await Promise.all(SUPPORTED.map(loadLocale))
})
afterEach(() => applyLocale('en'))

// A compiled message (scripts/precompiled-messages.js: vue-i18n's AST, keys minified) rather than a namespace.
const isMessage = (node) => ('t' in node && 'b' in node) || 'type' in node || 'loc' in node

/** Every leaf key under `namespace` in the English messages ("admin.tabs.dashboard", …). */
function keysOf(namespace) {
  const keys = []
  const walk = (node, path) => {
    for (const [key, value] of Object.entries(node)) {
      if (value && typeof value === 'object' && !isMessage(value)) walk(value, `${path}.${key}`)
      else keys.push(`${path}.${key}`)
    }
  }
  applyLocale('en')
  walk(tm(namespace), namespace)
  return keys
}

describe('admin.* and seatmap.* messages', () => {
  let keys = []
  beforeAll(() => (keys = [...keysOf('admin'), ...keysOf('seatmap')])) // once admin.* is in (the file's beforeAll)

  it('are many (the walk found them)', () => {
    expect(keys.length).toBeGreaterThan(400)
  })

  for (const locale of SUPPORTED) {
    it(`compile and fill every placeholder in ${locale}`, () => {
      applyLocale(locale)
      const broken = []
      for (const key of keys) {
        // Each placeholder gets a value naming it, so a leftover "{…}" or the bare key shows a failure.
        const named = new Proxy({}, { get: (_, name) => (typeof name === 'string' ? `<${name}>` : undefined) })
        let text
        try {
          text = t(key, named, 2)
        } catch (error) {
          broken.push(`${key}: ${error.message}`)
          continue
        }
        if (text === key || /[{}]/.test(text)) broken.push(`${key}: ${text}`)
      }
      expect(broken).toEqual([])
    })
  }
})

describe('a seat read out by a screen reader', () => {
  const name = (locale) => {
    applyLocale(locale)
    return t('seatmap.seatName', {
      row: 'F',
      seat: '12',
      details: ['Prime', '₹240', t('seatmap.wheelchair'), t('seatmap.state.available')].join(t('seatmap.separator')),
    })
  }

  it('is one sentence in each language, the category name kept as the layout names it', () => {
    expect(name('en')).toBe('Row F, seat 12, Prime, ₹240, wheelchair space, available')
    expect(name('hi')).toBe('पंक्ति F, सीट 12, Prime, ₹240, व्हीलचेयर की जगह, ख़ाली')
    expect(name('ta')).toBe('வரிசை F, இருக்கை 12, Prime, ₹240, சக்கர நாற்காலி இடம், காலி')
  })
})

describe('counts', () => {
  it('take the plural form of each language', () => {
    applyLocale('en')
    expect([t('seatmap.seats', 1), t('seatmap.seats', 54)]).toEqual(['1 seat', '54 seats'])
    applyLocale('hi')
    expect([t('seatmap.seats', 1), t('seatmap.seats', 54)]).toEqual(['1 सीट', '54 सीटें'])
    applyLocale('ta')
    expect([t('seatmap.seats', 1), t('seatmap.seats', 54)]).toEqual(['1 இருக்கை', '54 இருக்கைகள்'])
  })

  it('read whole in the layout editor and in a saved layout with kept screenings', () => {
    applyLocale('ta')
    const count = t('admin.layout.count', { seats: t('seatmap.seats', 300), rows: t('seatmap.rows', 15) })
    expect(count).toBe('15 வரிசைகள், மொத்தம் 300 இருக்கைகள்.')
    applyLocale('en')
    expect(t('admin.layout.kept', 1)).toMatch(/^1 upcoming screening keeps its old layout/)
    expect(t('admin.layout.kept', 3)).toMatch(/^3 upcoming screenings keep their old layout/)
  })
})

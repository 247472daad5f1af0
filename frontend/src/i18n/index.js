// The UI's languages: English, Hindi and Tamil (vue-i18n, Composition API mode).
//
// Messages live in src/locales/<locale>/<namespace>.json and are bundled eagerly (they are small), so
// messages[locale][namespace] is that file and keys read "namespace.key": $t('nav.home').
// English is the fallback for a key a language lacks, but the key check in `npm run lint`
// (scripts/check-i18n.js) fails the build on any such gap, so that fallback never shows in practice.
//
// Which language a person sees (initialLocale): the one they chose when logged in (preferences.locale),
// else the one this browser chose last (localStorage), else the browser's own preference
// (navigator.languages), else English. setLocale() records a choice in all the places that apply.
import { createI18n } from 'vue-i18n'
import { getActivePinia } from 'pinia'
import { updatePreferences } from '@/api/auth'
import { useAuthStore } from '@/stores/auth'

export const SUPPORTED = ['en', 'hi', 'ta']
export const STORAGE_KEY = 'ticketshow.locale'
// Intl locales: India's conventions for all three (Indian digit grouping ₹1,00,000.00, day-month order).
const INTL = { en: 'en-IN', hi: 'hi-IN', ta: 'ta-IN' }

function loadMessages() {
  const files = import.meta.glob('../locales/*/*.json', { eager: true })
  const messages = Object.fromEntries(SUPPORTED.map((code) => [code, {}]))
  for (const [path, module] of Object.entries(files)) {
    const [, locale, namespace] = /\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path)
    messages[locale] ??= {}
    messages[locale][namespace] = module.default ?? module
  }
  return messages
}

/**
 * Plural choice for the pipe syntax by the language's CLDR rules: with two forms ("{n} seat | {n} seats")
 * the first is for CLDR "one" (Hindi counts 0 and 1 as one, English and Tamil only 1); with three
 * ("no seats | {n} seat | {n} seats") the first is for zero.
 */
function pluralRule(locale) {
  const rules = new Intl.PluralRules(INTL[locale])
  return (choice, choicesLength) => {
    const n = Math.abs(Number(choice))
    if (choicesLength === 3) return n === 0 ? 0 : rules.select(n) === 'one' ? 1 : 2
    return rules.select(n) === 'one' ? 0 : 1
  }
}

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: 'en',
  fallbackLocale: 'en',
  messages: loadMessages(),
  pluralRules: Object.fromEntries(SUPPORTED.map((code) => [code, pluralRule(code)])),
  // A missing key is caught by the lint check; at run time the English text is shown, quietly.
  missingWarn: false,
  fallbackWarn: false,
})

/** "en" | "hi" | "ta" for a language tag such as "hi-IN" or "ta", or null when we do not speak it. */
export function supported(tag) {
  if (typeof tag !== 'string') return null
  const code = tag.trim().toLowerCase().split(/[-_]/)[0]
  return SUPPORTED.includes(code) ? code : null
}

function storedLocale() {
  try {
    return supported(localStorage.getItem(STORAGE_KEY))
  } catch {
    return null // storage blocked (private mode, sandboxed frame)
  }
}

function browserLocale() {
  const tags =
    typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language]
  for (const tag of tags) {
    const code = supported(tag)
    if (code) return code
  }
  return null
}

/**
 * The language to start in: user.preferences.locale (a logged-in user's choice) → this browser's last
 * choice (localStorage "ticketshow.locale") → the first of navigator.languages we speak → "en".
 */
export function initialLocale(user) {
  return supported(user?.preferences?.locale) ?? storedLocale() ?? browserLocale() ?? 'en'
}

/** The current language: "en" | "hi" | "ta". */
export const currentLocale = () => i18n.global.locale.value

/** The Intl locale for formatting: "en-IN" | "hi-IN" | "ta-IN". */
export const intlLocale = () => INTL[currentLocale()] ?? 'en-IN'

/** Shows the UI in `code` now (messages, <html lang>, the manifest link, the meta description), without recording it anywhere. */
export function applyLocale(code) {
  const locale = supported(code) ?? 'en'
  i18n.global.locale.value = locale
  if (typeof document !== 'undefined') {
    document.documentElement.setAttribute('lang', locale)
    // Installing the app from a Hindi page gives a Hindi app: the server serves the built manifest with
    // its lang and description per language (GET /manifest.<locale>.webmanifest); English keeps the built one.
    const manifest = document.querySelector('link[rel="manifest"]')
    manifest?.setAttribute('href', locale === 'en' ? '/manifest.webmanifest' : `/manifest.${locale}.webmanifest`)
    // A shared link's preview and the browser's page info read the description: same words as the manifest's.
    // (Crawlers that do not run scripts still see index.html's English one.)
    document.querySelector('meta[name="description"]')?.setAttribute('content', i18n.global.t('pwa.description'))
  }
  return locale
}

/**
 * A person's choice of language: shown at once, kept in this browser (localStorage) and, when someone is
 * logged in, in their preferences (PATCH /api/auth/me/preferences {locale}) so it follows them to other
 * devices and into their emails.
 * Resolves to the locale; a server that refuses (offline, or a server without the field yet, 422) leaves
 * the choice in this browser only, which is still a working switch.
 */
export async function setLocale(code) {
  const locale = applyLocale(code)
  const auth = getActivePinia() ? useAuthStore() : null
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // storage blocked: the choice lasts for this page only
  }
  if (auth?.isLoggedIn && auth.user?.preferences?.locale !== locale) {
    try {
      const user = await updatePreferences({ locale })
      auth.user = { ...auth.user, ...user }
      auth.persist()
    } catch {
      // kept locally (see above); the next switch tries again
    }
  }
  return locale
}

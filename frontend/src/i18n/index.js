// The UI's languages: English, Hindi and Tamil (vue-i18n, Composition API mode).
//
// Messages live in src/locales/<locale>/<namespace>.json, so messages[locale][namespace] is that file and
// keys read "namespace.key": $t('nav.home'). The staff area's admin.* comes with its first page (loadMessages,
// router meta.messages), not with the first script. The build compiles them (scripts/precompiled-messages.js: the
// module 'virtual:ticketshow-messages/<locale>' is a locale's files as vue-i18n's message ASTs), so the
// browser never compiles a message and the first script carries no message compiler. English ships in the
// app's first script; Hindi and Tamil are a chunk each (vite.config.js), fetched when that language is first
// shown (loadLocale): on a slow phone network they were a quarter of the first script's bytes for visitors
// who never see them.
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
import ENGLISH from 'virtual:ticketshow-messages/en'

export const SUPPORTED = ['en', 'hi', 'ta']
export const STORAGE_KEY = 'ticketshow.locale'
// Intl locales: India's conventions for all three (Indian digit grouping ₹1,00,000.00, day-month order).
const INTL = { en: 'en-IN', hi: 'hi-IN', ta: 'ta-IN' }

// Per language, the function that imports its messages (a chunk, see vite.config.js).
const LAZY = {
  hi: () => import('virtual:ticketshow-messages/hi'),
  ta: () => import('virtual:ticketshow-messages/ta'),
}
const loading = {}

// The namespaces left out of the first script and of a language's chunk (LAZY_NAMESPACES of
// scripts/precompiled-messages.js): per namespace and language, the function that imports them. The staff
// area's admin.* is half of a language's messages, which no visitor's first screen shows.
const NAMESPACES = {
  admin: {
    en: () => import('virtual:ticketshow-messages/en/admin'),
    hi: () => import('virtual:ticketshow-messages/hi/admin'),
    ta: () => import('virtual:ticketshow-messages/ta/admin'),
  },
}
const wanted = new Set() // the namespaces asked for (loadMessages): every language shown from then on gets them
const loadingNamespace = {}

function loadNamespace(locale, namespace) {
  const key = `${locale}/${namespace}`
  loadingNamespace[key] ??= NAMESPACES[namespace][locale]().then(
    (module) => i18n.global.mergeLocaleMessage(locale, module.default),
    () => delete loadingNamespace[key], // offline before the service worker had it: tried again next time
  )
  return loadingNamespace[key]
}

/**
 * Makes `code`'s messages available (fetching its chunk the first time), with the namespaces asked for so far
 * (loadMessages); resolves to the locale. English's main messages are always there. A failed fetch (offline
 * before the service worker had the chunk) leaves English showing and is tried again on the next call.
 */
export async function loadLocale(code) {
  const locale = supported(code) ?? 'en'
  if (locale !== 'en' && !i18n.global.availableLocales.includes(locale)) {
    loading[locale] ??= LAZY[locale]().then(
      (module) => {
        i18n.global.setLocaleMessage(locale, module.default) // replaces the locale's messages: namespaces after
        if (currentLocale() === locale) applyLocale(locale) // the description, now in its language
      },
      () => delete loading[locale],
    )
    await loading[locale]
    if (!i18n.global.availableLocales.includes(locale)) return locale
  }
  await Promise.all([...wanted].map((namespace) => loadNamespace(locale, namespace)))
  return locale
}

/**
 * Makes the namespace `namespace` ('admin') available in the current language, and in every language shown
 * after (the router asks for a page's meta.messages before showing it). Resolves when they are in.
 */
export async function loadMessages(namespace) {
  if (!NAMESPACES[namespace]) throw new Error(`no lazy namespace ${namespace}`)
  wanted.add(namespace)
  await loadLocale(currentLocale())
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
  messages: { en: ENGLISH },
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

/** Shows the UI in `code` now (messages, <html lang>, the manifest link, the meta description), without
 * recording it anywhere. Messages not loaded yet (loadLocale) show in English until they arrive. */
export function applyLocale(code) {
  const locale = supported(code) ?? 'en'
  i18n.global.locale.value = locale
  if (!i18n.global.availableLocales.includes(locale)) loadLocale(locale)
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
  const locale = applyLocale(await loadLocale(code))
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

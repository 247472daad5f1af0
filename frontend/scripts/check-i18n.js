#!/usr/bin/env node
// The message check of `npm run lint` (issue 21): every key in every language, every key used, every key
// used exists, and the three languages agree on each message's shape.
//
//   node scripts/check-i18n.js            exits 1 with one line per problem, 0 when all is well
//
// Messages: src/locales/<en|hi|ta>/<namespace>.json (nested objects; a key reads "namespace.a.b").
// Fails on:
//   - a key present in one language and missing in another (or present in a language but not in English);
//   - a key no source file uses;
//   - a key a source file asks for ($t('x.y'), t("x.y"), te(...), <i18n-t keypath="x.y">) that English lacks;
//   - a message whose {placeholders} or number of plural forms ("a | b") differ from the English one;
//   - an empty message.
// "Used" means the key appears in src as a whole string literal ('booking.payNow'), which also covers keys
// kept in tables and passed to t() later, or matches a template literal with a ${...} part, such as
// t(`common.languages.${code}`) (the literal part before the first ${ must then name a real prefix).
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const src = join(root, 'src')
const localesDir = join(src, 'locales')
const LANGUAGES = ['en', 'hi', 'ta']
const problems = []

function flatten(value, prefix, out) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, out)
  } else {
    out.set(prefix, value)
  }
  return out
}

function load(language) {
  const messages = new Map()
  const dir = join(localesDir, language)
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
    const namespace = file.replace(/\.json$/, '')
    let data
    try {
      data = JSON.parse(readFileSync(join(dir, file), 'utf8'))
    } catch (error) {
      problems.push(`${language}/${file}: not valid JSON (${error.message})`)
      continue
    }
    flatten(data, namespace, messages)
  }
  return messages
}

const placeholders = (text) =>
  [...String(text).matchAll(/\{\s*([A-Za-z_][\w]*)\s*\}/g)]
    .map((m) => m[1])
    .sort()
    .join(',')
// Plural forms are separated by a pipe outside a literal ({'|'} is a literal pipe).
const forms = (text) =>
  String(text)
    .replace(/\{'[^']*'\}/g, '')
    .split('|').length

const catalogues = Object.fromEntries(LANGUAGES.map((language) => [language, load(language)]))
const english = catalogues.en

for (const language of LANGUAGES) {
  for (const [key, text] of catalogues[language]) {
    if (typeof text !== 'string' || !text.trim()) problems.push(`${language}: ${key} is empty or not text`)
    if (language === 'en') continue
    if (!english.has(key)) {
      problems.push(`${language}: ${key} is not in English (a stray or misspelt key)`)
      continue
    }
    const base = english.get(key)
    if (placeholders(text) !== placeholders(base))
      problems.push(`${language}: ${key} has placeholders {${placeholders(text)}}, English has {${placeholders(base)}}`)
    if (forms(text) !== forms(base))
      problems.push(`${language}: ${key} has ${forms(text)} plural form(s), English has ${forms(base)}`)
  }
  if (language !== 'en') {
    for (const key of english.keys())
      if (!catalogues[language].has(key)) problems.push(`${language}: ${key} is missing`)
  }
}

// ---- Keys used in the sources ----
function sources(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (path === localesDir) continue
    if (statSync(path).isDirectory()) sources(path, out)
    else if (/\.(vue|js)$/.test(name)) out.push(path)
  }
  return out
}

const literals = new Set()
const patterns = []
const asked = [] // [file, key] from t('...') calls: these must exist
const namespaces = new Set([...english.keys()].map((key) => key.split('.')[0]))
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

for (const file of sources(src)) {
  const text = readFileSync(file, 'utf8')
  const where = relative(root, file)
  for (const match of text.matchAll(/(['"])([A-Za-z][\w-]*(?:\.[\w-]+)+)\1/g)) literals.add(match[2])
  for (const match of text.matchAll(/`([^`]*)`/g)) {
    const body = match[1]
    if (!body.includes('${')) {
      literals.add(body)
      continue
    }
    const head = body.slice(0, body.indexOf('${'))
    if (!namespaces.has(head.split('.')[0]) || !head.includes('.')) continue
    // `common.languages.${code}` -> /^common\.languages\.[^]+$/: each ${...} stands for one or more characters.
    const regex = new RegExp(
      `^${body
        .split(/\$\{[^}]*\}/)
        .map(escape)
        .join('.+')}$`,
    )
    patterns.push({ where, body, regex })
  }
  const calls = /(?:\$t|\bt|\$te|\bte|\$tm|\btm|\$rt)\(\s*(['"])([^'"]+)\1|(?<![:\w-])keypath="([^"]+)"/g
  for (const match of text.matchAll(calls)) asked.push([where, match[2] ?? match[3]])
}

for (const [where, key] of asked) {
  if (!english.has(key) && ![...english.keys()].some((k) => k.startsWith(`${key}.`)))
    problems.push(`${where}: asks for "${key}", which is not in the English messages`)
}
for (const { where, body, regex } of patterns) {
  if (![...english.keys()].some((key) => regex.test(key))) problems.push(`${where}: \`${body}\` matches no message key`)
}
for (const key of english.keys()) {
  if (literals.has(key)) continue
  if (patterns.some(({ regex }) => regex.test(key))) continue
  // A plural message or a subtree asked for as a whole (tm('x.y')) uses every key beneath it.
  if ([...literals].some((literal) => key.startsWith(`${literal}.`))) continue
  problems.push(`unused: ${key} (no source file names it)`)
}

if (problems.length) {
  console.error(`i18n check: ${problems.length} problem(s)`)
  for (const problem of problems) console.error(`  ${problem}`)
  process.exit(1)
}
console.log(`i18n check: ${english.size} keys in ${LANGUAGES.join(', ')}, all present and used`)

// The UI's messages compiled at build time, for vite.config.js and vitest.config.js (issue 23, item 6).
//
// `import messages from 'virtual:ticketshow-messages/en'` is every src/locales/en/*.json file but the
// LAZY_NAMESPACES (below), keyed by its namespace (messages.nav is nav.json), with each message already turned into vue-i18n's message AST, the
// form its own JIT compiler makes at run time on first use. The browser then never compiles a message, and
// the message compiler (tokenizer, parser) is left out of the first script (vite.config.js sets
// __INTLIFY_DROP_MESSAGE_COMPILER__): on a phone with a slow CPU that is script to load and work before the
// first paint. A message the compiler refuses fails the build, naming its file and key.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { baseCompile } from '@intlify/message-compiler'

const PREFIX = 'virtual:ticketshow-messages/'
const RESOLVED = `\0${PREFIX}`

// Namespaces only pages outside the first screens use, left out of 'virtual:ticketshow-messages/<locale>' and
// served as 'virtual:ticketshow-messages/<locale>/<namespace>' (a chunk per language: vite.config.js), loaded
// with the first page that needs them (src/i18n: loadMessages). The staff area's admin.* is 49 % of a language's
// compiled messages (54 of 111 KB in English, 6.5 KB Brotli): bytes a phone's first screen waited for.
export const LAZY_NAMESPACES = ['admin']

/** {namespace: tree} of a locale's folder, every string replaced by its message AST. */
export function compileLocale(folder) {
  const messages = {}
  for (const file of readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const namespace = file.slice(0, -'.json'.length)
    messages[namespace] = compileTree(JSON.parse(readFileSync(join(folder, file), 'utf8')), `${file}: ${namespace}`)
  }
  return messages
}

function compileTree(value, key) {
  if (typeof value === 'string') return compileMessage(value, key)
  if (Array.isArray(value)) return value.map((item, n) => compileTree(item, `${key}.${n}`))
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, compileTree(item, `${key}.${name}`)]))
  }
  return value
}

function compileMessage(message, key) {
  const errors = []
  // jit: the AST the run time formats (vue-i18n's own compile() makes the same); minify: one-letter keys.
  const { ast } = baseCompile(message, { jit: true, minify: true, location: false, onError: (e) => errors.push(e) })
  if (errors.length) throw new Error(`${key}: ${errors.map((e) => e.message).join('; ')} in ${JSON.stringify(message)}`)
  return ast
}

/** A Vite plugin: the virtual modules 'virtual:ticketshow-messages/<locale>' from `localesDir`/<locale>/. */
export function precompiledMessages(localesDir) {
  return {
    name: 'ticketshow-precompiled-messages',
    resolveId(id) {
      return id.startsWith(PREFIX) ? `\0${id}` : null
    },
    load(id) {
      if (!id.startsWith(RESOLVED)) return null
      const [locale, namespace, ...rest] = id.slice(RESOLVED.length).split('/')
      if (!/^[a-z]{2}$/.test(locale)) throw new Error(`no such locale: ${locale}`)
      if (rest.length || (namespace !== undefined && !LAZY_NAMESPACES.includes(namespace))) {
        throw new Error(`not a namespace loaded apart: ${id.slice(RESOLVED.length)}`)
      }
      const folder = join(localesDir, locale)
      for (const file of readdirSync(folder)) this.addWatchFile(join(folder, file))
      const all = compileLocale(folder)
      const messages = namespace
        ? { [namespace]: all[namespace] }
        : Object.fromEntries(Object.entries(all).filter(([name]) => !LAZY_NAMESPACES.includes(name)))
      // JSON.parse of a string literal: parsed faster than the same object as JavaScript (V8).
      return `export default JSON.parse(${JSON.stringify(JSON.stringify(messages))})`
    },
    handleHotUpdate({ file, server }) {
      if (!file.startsWith(localesDir) || !file.endsWith('.json')) return undefined
      const locale = file.slice(localesDir.length).split(/[\\/]/).filter(Boolean)[0]
      for (const id of [locale, ...LAZY_NAMESPACES.map((namespace) => `${locale}/${namespace}`)]) {
        const module = server.moduleGraph.getModuleById(`${RESOLVED}${id}`)
        if (module) server.moduleGraph.invalidateModule(module)
      }
      server.ws.send({ type: 'full-reload' })
      return []
    },
  }
}

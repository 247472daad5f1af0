// Ship only the CSS and icons the app uses (issue 16, first load), for vite.config.js:
// - purgeVendorCss(): PurgeCSS on Bootstrap's and Bootstrap Icons' CSS only (our own CSS is written for the
//   app and left alone), keeping every class that appears in index.html or src, the classes the app builds
//   at runtime (SAFELIST), and the bi-* rule of every icon the app names.
// - subsetIcons(): the Bootstrap Icons font cut down to those icons' glyphs (subset-font: HarfBuzz's
//   hb-subset in WebAssembly), in place of the 134 KB font with 2,000 icons.
// Icon names are found as written in src: "bi-calendar-event" in a class, or a bare 'calendar-event' in a
// string that is later put into `bi-${icon}`. A word that only happens to be an icon name costs one glyph.
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import purgeCss from '@fullhuman/postcss-purgecss'
import subsetFont from 'subset-font'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ICONS_JSON = join(ROOT, 'node_modules/bootstrap-icons/font/bootstrap-icons.json')
const VENDOR_CSS = /node_modules[\\/](bootstrap|bootstrap-icons)[\\/]/

// Classes assembled at runtime from a variable (`text-bg-${variant}`, `btn-${confirmVariant}`,
// `bg-${variant}`), and Bootstrap state classes set from data: never purged.
export const SAFELIST = [/^btn-/, /^text-bg-/, /^bg-/, /^alert-/, /^is-/, /^text-(success|danger|warning|info)/]

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(vue|js|json)$/.test(name) ? [path] : []
  })
}

/** {name: codepoint} of every Bootstrap icon named in index.html or src. */
export function usedIcons() {
  const all = JSON.parse(readFileSync(ICONS_JSON, 'utf8'))
  const text = [join(ROOT, 'index.html'), ...sourceFiles(join(ROOT, 'src'))]
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n')
  const named = new Set([...text.matchAll(/bi-([a-z0-9-]+)/g)].map((m) => m[1]))
  for (const m of text.matchAll(/['"`]([a-z0-9]+(?:-[a-z0-9]+)*)['"`]/g)) named.add(m[1])
  return Object.fromEntries(Object.entries(all).filter(([name]) => named.has(name)))
}

/** A PostCSS plugin: PurgeCSS for the vendor style sheets only. */
export function purgeVendorCss(icons) {
  const purge = purgeCss({
    content: [join(ROOT, 'index.html'), join(ROOT, 'src/**/*.{vue,js}')],
    safelist: { standard: [...SAFELIST, ...Object.keys(icons).map((name) => `bi-${name}`)] },
    // @font-face, keyframes and custom properties are kept (PurgeCSS's defaults).
  })
  return {
    postcssPlugin: 'ticketshow-purge-vendor-css',
    OnceExit(root, helpers) {
      if (!VENDOR_CSS.test(root.source?.input?.file ?? '')) return undefined
      return purge.OnceExit(root, helpers)
    },
  }
}

/** A Vite plugin: the emitted Bootstrap Icons fonts keep only the glyphs of `icons`. A subset gets a name
 * from its own bytes (assets are cached for a year, immutable), and the style sheets are pointed at it; the
 * plugin runs first ("pre") so that the compressed copies are made from the rewritten CSS. */
export function subsetIcons(icons) {
  const text = String.fromCodePoint(...Object.values(icons))
  return {
    name: 'ticketshow-subset-icons',
    apply: 'build',
    enforce: 'pre',
    async generateBundle(_options, bundle) {
      const renamed = []
      for (const asset of [...Object.values(bundle)]) {
        const match = asset.type === 'asset' && /bootstrap-icons.*\.(woff2?)$/.exec(asset.fileName)
        if (!match) continue
        const before = asset.source.length
        const source = await subsetFont(Buffer.from(asset.source), text, { targetFormat: match[1] })
        const hash = createHash('sha256').update(source).digest('base64url').slice(0, 8)
        // Vite names it <stem>-<8-character hash>.<ext>; the hash may itself hold "-" or "_".
        const fileName = `${asset.fileName.slice(0, -(match[1].length + 9))}${hash}.${match[1]}`
        renamed.push([asset.fileName.split('/').pop(), fileName.split('/').pop()])
        delete bundle[asset.fileName]
        this.emitFile({ type: 'asset', fileName, source })
        this.info(`${fileName}: ${Object.keys(icons).length} icons, ${before} -> ${source.length} bytes`)
      }
      for (const asset of Object.values(bundle)) {
        if (asset.type !== 'asset' || !asset.fileName.endsWith('.css')) continue
        let css = String(asset.source)
        for (const [from, to] of renamed) css = css.replaceAll(from, to)
        asset.source = css
      }
    },
  }
}

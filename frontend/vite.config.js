import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { VitePWA } from 'vite-plugin-pwa'
import { compression } from 'vite-plugin-compression2'
import { purgeVendorCss, subsetIcons, usedIcons } from './scripts/lean-assets.js'
import { precompiledMessages } from './scripts/precompiled-messages.js'

// The Flask backend serves the API and uploaded images; in development Vite forwards those paths to it
// so the UI can use same-origin URLs everywhere (as it does in production, where Flask serves dist/).
// TICKETSHOW_API_URL points the dev server at a backend on another address.
const backend = process.env.TICKETSHOW_API_URL || 'http://127.0.0.1:5000'

// The palette of src/assets/main.css: plum for the browser chrome, the light page colour for the splash.
const THEME_COLOR = '#6b1a36'
const BACKGROUND_COLOR = '#fbf7f2'

// The Bootstrap icons the app names (scripts/lean-assets.js): their CSS rules and glyphs are all that ship.
const ICONS = usedIcons()

export default defineConfig({
  // vue-i18n's build flags: Composition API only (the legacy API is left out of the bundle), no devtools, and
  // no message compiler: the messages come compiled (scripts/precompiled-messages.js).
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __INTLIFY_DROP_MESSAGE_COMPILER__: true,
  },
  css: {
    postcss: { plugins: [purgeVendorCss(ICONS)] },
  },
  plugins: [
    vue(),
    precompiledMessages(fileURLToPath(new URL('./src/locales', import.meta.url))),
    subsetIcons(ICONS),
    // Brotli and gzip copies of every asset beside it (x.js.br, x.js.gz), made once at build time; Flask
    // sends the one the browser accepts (backend/ticketshow/spa.py). Copies not smaller are not written.
    compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 1024 }),
    // Installable PWA: writes dist/manifest.webmanifest (and links it from index.html) and a Workbox
    // service worker at dist/sw.js, scope "/". main.js registers it through virtual:pwa-register.
    VitePWA({
      strategies: 'generateSW',
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      scope: '/',
      base: '/',
      injectRegister: false,
      // A new version waits until the user says "Reload" (AppUpdatePrompt), so a booking form is never
      // swapped out from under someone; the very first install takes control at once (clientsClaim).
      registerType: 'prompt',
      includeManifestIcons: false, // the icons are precached by globPatterns already
      manifest: {
        id: '/',
        name: 'Ticket Show',
        short_name: 'Ticket Show',
        description: 'Book tickets for shows at theatres and cinemas near you.',
        lang: 'en',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        theme_color: THEME_COLOR,
        background_color: BACKGROUND_COLOR,
        categories: ['entertainment'],
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The app shell: index.html, the hashed JS/CSS chunks (every lazy route too), icons, the icon font.
        globPatterns: ['**/*.{html,js,css,svg,png,woff2}'],
        globIgnores: ['**/node_modules/**', 'sw.js', 'workbox-*.js'],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: false,
        // Any page of the SPA opens offline; /api and /media are never answered with index.html.
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api(\/|$)/, /^\/media(\/|$)/],
        runtimeCaching: [
          {
            // A booking and its e-tickets, once opened, open again offline (at the door, with no signal).
            // Only these two paths; the network is asked first, so a check-in or cancellation shows at once.
            urlPattern: ({ url, request, sameOrigin }) =>
              sameOrigin && request.method === 'GET' && /^\/api\/bookings\/\d+(\/tickets)?$/.test(url.pathname),
            handler: 'NetworkFirst',
            method: 'GET',
            options: {
              cacheName: 'ticketshow-tickets',
              networkTimeoutSeconds: 4,
              cacheableResponse: { statuses: [200] },
              expiration: { maxEntries: 100, maxAgeSeconds: 60 * 24 * 60 * 60, purgeOnQuotaError: true },
            },
          },
          {
            // Public catalogue reads only: lists and single items of shows, theatres and screenings. Never
            // auth, bookings, admin, jobs, exports or reports (they depend on who asks), and never a sub-path
            // such as /api/theatres/1/export. Workbox routes match GET only, so writes always go to the network.
            urlPattern: ({ url, request, sameOrigin }) =>
              sameOrigin &&
              request.method === 'GET' &&
              /^\/api\/(shows|theatres|screenings)(\/\d+)?\/?$/.test(url.pathname),
            handler: 'NetworkFirst',
            method: 'GET',
            options: {
              cacheName: 'ticketshow-api',
              networkTimeoutSeconds: 4,
              cacheableResponse: { statuses: [200] },
              expiration: { maxEntries: 200, maxAgeSeconds: 7 * 24 * 60 * 60, purgeOnQuotaError: true },
              plugins: [
                {
                  // A NetworkFirst cache hit means the network failed or timed out: the header tells the
                  // API client (src/api/client.js) to show the offline banner. Workbox copies this
                  // function's source into sw.js, so it must not refer to anything outside itself.
                  cachedResponseWillBeUsed: async ({ cachedResponse }) => {
                    if (!cachedResponse) return cachedResponse
                    const headers = new Headers(cachedResponse.headers)
                    headers.set('X-Ticketshow-Offline-Copy', '1')
                    return new Response(await cachedResponse.blob(), {
                      status: cachedResponse.status,
                      statusText: cachedResponse.statusText,
                      headers,
                    })
                  },
                },
              ],
            },
          },
          {
            // Posters and theatre photos: names are random and never reused, so a cached copy is good for good.
            urlPattern: ({ url, request, sameOrigin }) =>
              sameOrigin && request.method === 'GET' && url.pathname.startsWith('/media/'),
            handler: 'CacheFirst',
            method: 'GET',
            options: {
              cacheName: 'ticketshow-media',
              cacheableResponse: { statuses: [200] },
              expiration: { maxEntries: 120, maxAgeSeconds: 30 * 24 * 60 * 60, purgeOnQuotaError: true },
            },
          },
        ],
      },
    }),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/media': { target: backend, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Everything the first script imports (Vue, the router, i18n, the home and show pages...) in one
            // chunk with it, where the bundler made six: a phone on a slow network gets six connections to the
            // server, and each file more, queued behind the page's data and first poster, costs a round trip.
            { name: 'app', tags: ['$initial'] },
            // Hindi's and Tamil's messages: a chunk per language, fetched when it is first shown (src/i18n); the
            // staff area's (admin.*) a chunk per language, fetched with its first page (router meta.messages).
            {
              name: (id) => {
                const match = /ticketshow-messages\/(hi|ta)$/.exec(id)
                return match ? `locale-${match[1]}` : null
              },
            },
            {
              name: (id) => {
                const match = /ticketshow-messages\/(en|hi|ta)\/(admin)$/.exec(id)
                return match ? `${match[2]}-messages-${match[1]}` : null
              },
            },
          ],
        },
      },
    },
  },
})

// Unit tests of the UI's plain modules (API client, composables, stores) in Node: `npm run unit`.
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vitest/config'
import { precompiledMessages } from './scripts/precompiled-messages.js'

export default defineConfig({
  // The messages as the build makes them (vite.config.js); the message compiler stays in for the tests.
  plugins: [precompiledMessages(fileURLToPath(new URL('./src/locales', import.meta.url)))],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  test: { include: ['tests/unit/**/*.test.js'], environment: 'node' },
})

// Unit tests of the UI's plain modules (API client, composables, stores) in Node: `npm run unit`.
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  test: { include: ['tests/unit/**/*.test.js'], environment: 'node' },
})

import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The Flask backend serves the API and uploaded images; in development Vite forwards those paths to it
// so the UI can use same-origin URLs everywhere (as it does in production, where Flask serves dist/).
// TICKETSHOW_API_URL points the dev server at a backend on another address.
const backend = process.env.TICKETSHOW_API_URL || 'http://127.0.0.1:5000'

export default defineConfig({
  plugins: [vue()],
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
  },
})

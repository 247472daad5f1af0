import { ref } from 'vue'

// "Install app": Chromium-based browsers fire `beforeinstallprompt` when the app can be installed. We keep
// the event (and stop the browser's own mini-infobar), show our button, and replay the prompt on click.
// The listener is attached when this module is first imported (main.js does so before mounting), because
// the event can fire very early.

const deferredPrompt = ref(null)

if (typeof window !== 'undefined') {
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault()
    deferredPrompt.value = event
  })
  window.addEventListener('appinstalled', () => {
    deferredPrompt.value = null
  })
}

async function install() {
  const event = deferredPrompt.value
  if (!event) return null
  // A prompt can be shown only once per event: hide the button whatever the visitor answers.
  deferredPrompt.value = null
  try {
    await event.prompt()
    const choice = await event.userChoice
    return choice?.outcome ?? null
  } catch {
    return null
  }
}

export function useInstallPrompt() {
  return { deferredPrompt, install }
}

import { reactive } from 'vue'

// One queue for the whole app, rendered by AppToasts.
const toasts = reactive([])
let nextId = 1

function show(message, variant, timeout) {
  const id = nextId++
  toasts.push({ id, message, variant })
  if (timeout) setTimeout(() => dismiss(id), timeout)
  return id
}

function dismiss(id) {
  const index = toasts.findIndex((t) => t.id === id)
  if (index !== -1) toasts.splice(index, 1)
}

export function useToast() {
  return {
    toasts,
    dismiss,
    success: (message) => show(message, 'success', 4000),
    info: (message) => show(message, 'info', 5000),
    error: (message) => show(message, 'danger', 8000),
  }
}

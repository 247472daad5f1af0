import { reactive } from 'vue'
import { i18n } from '@/i18n'

// The delete conversation, shared by every admin list and shown by AppDeleteDialog:
//   1. ask, naming what will be lost;  2. DELETE;  3. if the API answers 409 has_bookings, explain that
//   N future bookings will be cancelled and their owners notified, and offer "Delete anyway" (?force=true).
const state = reactive({
  open: false,
  title: '',
  message: '',
  consequence: '', // e.g. "Its 4 upcoming screenings will be removed." — filled in once counted
  bookings: null, // set when the server refused because of future bookings
  busy: false,
  error: '',
})
let current = null

function reset() {
  Object.assign(state, { open: false, title: '', message: '', consequence: '', bookings: null, busy: false, error: '' })
  current = null
}

/**
 * @param {object} options
 * @param {string} options.title       dialog title, e.g. "Delete theatre"
 * @param {string} options.message     the question, e.g. "Delete theatre 'Regal'?"
 * @param {() => Promise<string>} [options.consequence]  looks up what else goes (counts screenings)
 * @param {({force}) => Promise} options.remove  the DELETE call
 * @param {() => void} [options.onDeleted]
 */
function confirmDelete(options) {
  reset()
  current = options
  Object.assign(state, { open: true, title: options.title, message: options.message })
  if (options.consequence) {
    const asked = options
    options
      .consequence()
      .then((text) => {
        if (current === asked) state.consequence = text
      })
      .catch(() => {}) // the question still stands without the count
  }
}

async function confirm() {
  if (!current || state.busy) return
  const options = current
  state.busy = true
  state.error = ''
  try {
    await options.remove({ force: state.bookings !== null })
    reset()
    options.onDeleted?.()
  } catch (error) {
    state.busy = false
    if (error?.status === 409 && error.code === 'has_bookings') {
      state.bookings = Number(error.details?.bookings ?? 0)
    } else {
      state.error = error?.message || i18n.global.t('common.couldNotDelete')
    }
  }
}

function cancel() {
  if (!state.busy) reset()
}

export function useConfirmDelete() {
  return { state, confirmDelete, confirm, cancel }
}

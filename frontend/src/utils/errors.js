import { plural } from './format'

/**
 * The sentence to show above a form for an API error. Field-level messages are shown beside their
 * fields, so when there are any, the general message only points at them.
 */
export function formMessage(error, { fieldNames = [] } = {}) {
  if (!error) return ''
  if (error.status === 429) {
    const minutes = Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60))
    return `Too many attempts, try again in ${plural(minutes, 'minute')}.`
  }
  const details = error.details || {}
  const hasFieldErrors = fieldNames.some((name) => details[name])
  if (error.status === 422 && hasFieldErrors) return 'Please correct the highlighted fields.'
  return error.message
}

import { i18n } from '@/i18n'

/**
 * The sentence to show above a form for an API error. Field-level messages are shown beside their
 * fields, so when there are any, the general message only points at them.
 */
export function formMessage(error, { fieldNames = [] } = {}) {
  if (!error) return ''
  if (error.status === 429) {
    const minutes = Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60))
    return i18n.global.t('errors.tooManyAttempts', minutes)
  }
  const details = error.details || {}
  const hasFieldErrors = fieldNames.some((name) => details[name])
  if (error.status === 422 && hasFieldErrors) return i18n.global.t('errors.correctFields')
  return error.message
}

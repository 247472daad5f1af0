// Small helpers that turn form values (always strings from inputs) into API payloads.

/** '' -> null, '12' -> 12; anything else is passed through so the API can say what is wrong with it. */
export function toNumberOrNull(value) {
  if (value === '' || value === null || value === undefined) return null
  const number = Number(value)
  return Number.isFinite(number) ? number : value
}

/** "drama, Comedy ,drama" -> ["drama", "Comedy"] */
export function parseTags(text) {
  const seen = new Set()
  const tags = []
  for (const raw of String(text ?? '').split(',')) {
    const tag = raw.trim()
    if (tag && !seen.has(tag.toLowerCase())) {
      seen.add(tag.toLowerCase())
      tags.push(tag)
    }
  }
  return tags
}

/**
 * For a create: the payload without empty optional values.
 * For an update: only the fields that differ from the record, so untouched fields are never rewritten.
 */
export function payloadFor(values, original) {
  const payload = {}
  for (const [key, value] of Object.entries(values)) {
    if (original) {
      if (JSON.stringify(value ?? null) !== JSON.stringify(normalise(original[key]))) payload[key] = value
    } else if (value !== null && value !== '' && !(Array.isArray(value) && !value.length && key !== 'tags')) {
      payload[key] = value
    }
  }
  return payload
}

function normalise(value) {
  return value === undefined ? null : value
}

// Verifying a ticket's code in the browser, with nothing but the public key (docs/tickets.md "The token").
// A code is `<base64url(payload)>.<base64url(signature)>`: Ed25519 over the ASCII of the first part, the
// payload compact JSON {"t": ticket id, "s": screening id, "seat": "F12", "v": 1}. The scanner uses this only
// while the network is down; online, the server decides (POST /api/checkin).

const BASE64URL = /^[A-Za-z0-9_-]*$/
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** The bytes of unpadded base64url text, or null for anything else (padding, other characters, stray bits). */
export function base64urlDecode(text) {
  if (typeof text !== 'string' || !BASE64URL.test(text) || text.length % 4 === 1) return null
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4))
  let bits = 0
  let value = 0
  let index = 0
  for (const char of text) {
    value = (value << 6) | ALPHABET.indexOf(char)
    bits += 6
    if (bits >= 8) {
      bits -= 8
      bytes[index++] = (value >> bits) & 0xff
    }
  }
  // One encoding per text, as the server requires: the bits left over must be zero.
  if (value & ((1 << bits) - 1)) return null
  return bytes
}

/** Unpadded base64url of bytes (for tests and for keys). */
export function base64urlEncode(bytes) {
  let text = ''
  let bits = 0
  let value = 0
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 6) {
      bits -= 6
      text += ALPHABET[(value >> bits) & 63]
    }
    value &= (1 << bits) - 1
  }
  if (bits > 0) text += ALPHABET[(value << (6 - bits)) & 63]
  return text
}

/**
 * A verifier for the key of GET /api/checkin/key (`publicKey`: base64url of the 32 raw bytes):
 * `{verify(signature, message) -> Promise<boolean>, engine: 'webcrypto'|'noble'}`. WebCrypto's Ed25519 where
 * the browser has it; otherwise @noble/ed25519, loaded only then (it is not in the app's main bundle).
 * `preferWebCrypto: false` forces the library (tests). Throws for a key that is not 32 bytes.
 */
export async function createVerifier(publicKey, { preferWebCrypto = true } = {}) {
  const raw = base64urlDecode(publicKey)
  if (!raw || raw.length !== 32) throw new Error('The check-in key is not an Ed25519 public key.')
  const subtle = globalThis.crypto?.subtle
  if (preferWebCrypto && subtle) {
    try {
      const key = await subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify'])
      return {
        engine: 'webcrypto',
        verify: (signature, message) => subtle.verify({ name: 'Ed25519' }, key, signature, message),
      }
    } catch {
      // This browser's WebCrypto has no Ed25519: fall back to the library below.
    }
  }
  const ed = await import('@noble/ed25519')
  return {
    engine: 'noble',
    verify: async (signature, message) => {
      try {
        return await ed.verifyAsync(signature, message, raw)
      } catch {
        return false
      }
    },
  }
}

/**
 * Checks a code's signature and shape, as the server would (docs/tickets.md, steps 1–3).
 * Resolves to `{ticketId, screeningId, seat}` or null (not a code this key signed, or not version 1).
 */
export async function readCode(verifier, code) {
  const text = typeof code === 'string' ? code.trim() : ''
  const parts = text.split('.')
  if (parts.length !== 2) return null
  const [head, tail] = parts
  const signature = base64urlDecode(tail)
  const payload = base64urlDecode(head)
  if (!signature || signature.length !== 64 || !payload || !/^[\x21-\x7e]+$/.test(head)) return null
  if (!(await verifier.verify(signature, new TextEncoder().encode(head)))) return null
  let claim
  try {
    claim = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload))
  } catch {
    return null
  }
  if (!claim || claim.v !== 1 || !Number.isInteger(claim.t) || !Number.isInteger(claim.s)) return null
  if (typeof claim.seat !== 'string') return null
  return { ticketId: claim.t, screeningId: claim.s, seat: claim.seat }
}

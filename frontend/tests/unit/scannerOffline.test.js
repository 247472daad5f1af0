// The Scanner's offline door: codes verified with a real Ed25519 key pair (PKCS#8 PEM, the backend's key
// file format), through WebCrypto and through @noble/ed25519, against codes the backend itself signed; the
// local "already let in here" set; the queue, and its sync through the real API client to a real HTTP
// server that answers like POST /api/checkin (first scan wins, a nonce gets its first answer again).
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { configureClient } from '@/api/client'
import { checkIn } from '@/api/tickets'
import { createOfflineDoor } from '@/scanner/offlineDoor'
import { base64urlDecode, base64urlEncode, createVerifier, readCode } from '@/scanner/ticketCode'
import backendSigned from './backend-signed-codes.json'
import { json, startServer } from './server'

// The backend keeps its key as PKCS#8 PEM (config.load_ticket_key); make one the same way and sign with it.
const { privateKey: generated, publicKey: generatedPublic } = generateKeyPairSync('ed25519')
const pem = generated.export({ type: 'pkcs8', format: 'pem' })
const privateKey = createPrivateKey(pem)
const PUBLIC_KEY = generatedPublic.export({ format: 'jwk' }).x // base64url of the 32 raw bytes, unpadded

function signCode(payload, key = privateKey) {
  const head = base64urlEncode(new TextEncoder().encode(JSON.stringify(payload)))
  return `${head}.${base64urlEncode(sign(null, Buffer.from(head, 'ascii'), key))}`
}
const ticket = (t, s = 77, seat = 'F12') => signCode({ t, s, seat, v: 1 })

class MemoryStorage {
  #items = new Map()
  getItem = (key) => (this.#items.has(key) ? this.#items.get(key) : null)
  setItem = (key, value) => this.#items.set(key, String(value))
  removeItem = (key) => this.#items.delete(key)
}

describe('base64url', () => {
  it('round-trips and refuses padding, other characters and stray bits', () => {
    for (const length of [0, 1, 2, 3, 31, 32, 64]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff)
      const text = base64urlEncode(bytes)
      expect(text).toBe(Buffer.from(bytes).toString('base64url'))
      expect(base64urlDecode(text)).toEqual(bytes)
    }
    expect(base64urlDecode('QQ==')).toBeNull()
    expect(base64urlDecode('Q+8')).toBeNull()
    expect(base64urlDecode('QR')).toBeNull() // "A" with stray bits: a second encoding of the same byte
    expect(base64urlDecode('Q')).toBeNull()
  })
})

describe.each([
  ['webcrypto', true],
  ['noble', false],
])('reading a code with %s', (engine, preferWebCrypto) => {
  let verifier
  beforeAll(async () => {
    verifier = await createVerifier(PUBLIC_KEY, { preferWebCrypto })
  })

  it('uses the engine it was asked for', () => {
    expect(verifier.engine).toBe(engine)
  })

  it('reads a good code', async () => {
    expect(await readCode(verifier, ticket(1042))).toEqual({ ticketId: 1042, screeningId: 77, seat: 'F12' })
  })

  it('reads the codes the backend signed (codes.sign)', async () => {
    const fromBackend = await createVerifier(backendSigned.public_key, { preferWebCrypto })
    for (const { code, ticket_id: ticketId, screening_id: screeningId, seat } of backendSigned.codes) {
      expect(await readCode(fromBackend, code)).toEqual({ ticketId, screeningId, seat })
      expect(await readCode(verifier, code)).toBeNull() // another key
    }
  })

  it('refuses any changed character', async () => {
    const code = ticket(5)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    for (let i = 0; i < code.length; i++) {
      if (code[i] === '.') continue
      const changed = code.slice(0, i) + alphabet[(alphabet.indexOf(code[i]) + 1) % 64] + code.slice(i + 1)
      expect(await readCode(verifier, changed), `position ${i}`).toBeNull()
    }
  })

  it('refuses broken shapes and other versions', async () => {
    const code = ticket(5)
    for (const broken of ['', 'abc', code + '.x', code.replace('.', ''), code.slice(0, -2), 'é' + code.slice(1)]) {
      expect(await readCode(verifier, broken)).toBeNull()
    }
    expect(await readCode(verifier, signCode({ t: 5, s: 77, seat: 'F12', v: 2 }))).toBeNull()
    expect(await readCode(verifier, signCode({ t: '5', s: 77, seat: 'F12', v: 1 }))).toBeNull()
    expect(await readCode(verifier, signCode({ t: 5, s: 7.5, seat: 'F12', v: 1 }))).toBeNull()
    const { privateKey: stranger } = generateKeyPairSync('ed25519')
    expect(await readCode(verifier, signCode({ t: 5, s: 77, seat: 'F12', v: 1 }, stranger))).toBeNull()
  })

  it('refuses a key that is not 32 bytes', async () => {
    await expect(createVerifier(PUBLIC_KEY.slice(0, 20), { preferWebCrypto })).rejects.toThrow()
  })
})

describe('the offline door', () => {
  let verifier
  let clock
  let nonces
  let door
  const scanOffline = async (code, screeningId = 77) =>
    door.admitOffline({ code, screeningId, claim: await readCode(verifier, code) })

  beforeAll(async () => {
    verifier = await createVerifier(PUBLIC_KEY)
  })
  beforeEach(() => {
    clock = new Date('2026-11-29T12:30:00Z')
    nonces = 0
    door = createOfflineDoor({
      storage: new MemoryStorage(),
      userId: 9,
      now: () => clock,
      newNonce: () => `n-${++nonces}`,
    })
  })

  it('lets a good code in unconfirmed and queues it with its time and nonce', async () => {
    const answer = await scanOffline(ticket(1))
    expect(answer).toEqual({
      ok: true,
      unconfirmed: true,
      ticket: { id: 1, seat: 'F12' },
      scannedAt: clock.toISOString(),
      nonce: 'n-1',
    })
    expect(door.pending()).toEqual([
      {
        nonce: 'n-1',
        code: ticket(1),
        screeningId: 77,
        ticket: { id: 1, seat: 'F12' },
        scannedAt: clock.toISOString(),
      },
    ])
  })

  it('refuses a second scan of a ticket let in on this device, with the first time', async () => {
    await scanOffline(ticket(1))
    const first = clock.toISOString()
    clock = new Date('2026-11-29T12:35:00Z')
    expect(await scanOffline(ticket(1))).toMatchObject({
      ok: false,
      code: 'already_checked_in',
      details: { checked_in_at: first },
    })
    // ... also one let in online earlier on this device
    door.rememberAdmitted(77, 2, '2026-11-29T18:00:00+05:30')
    expect(await scanOffline(ticket(2))).toMatchObject({
      ok: false,
      code: 'already_checked_in',
      details: { checked_in_at: '2026-11-29T18:00:00+05:30' },
    })
    expect(door.pending()).toHaveLength(1)
  })

  it('refuses another screening and an invalid code, queueing nothing', async () => {
    expect(await scanOffline(ticket(3, 78))).toMatchObject({ ok: false, code: 'wrong_screening', ticket: { id: 3 } })
    const forged = ticket(3).replace(/.$/, (last) => (last === 'A' ? 'Q' : 'A'))
    expect(await scanOffline(forged)).toMatchObject({ ok: false, code: 'invalid_code' })
    expect(door.pending()).toEqual([])
  })

  it('keeps its state in storage, per user', async () => {
    const storage = new MemoryStorage()
    const mine = createOfflineDoor({ storage, userId: 1, newNonce: () => 'a' })
    mine.admitOffline({ code: ticket(1), screeningId: 77, claim: await readCode(verifier, ticket(1)) })
    mine.saveKey({ algorithm: 'Ed25519', public_key: PUBLIC_KEY })
    expect(createOfflineDoor({ storage, userId: 1 }).pending()).toHaveLength(1)
    expect(createOfflineDoor({ storage, userId: 1 }).key().public_key).toBe(PUBLIC_KEY)
    expect(createOfflineDoor({ storage, userId: 2 }).pending()).toEqual([])
    storage.setItem('ts-scanner:3', '{not json')
    expect(createOfflineDoor({ storage, userId: 3 }).pending()).toEqual([])
  })
})

describe('syncing the queue', () => {
  let server
  let base
  let verifier
  let checkedIn // ticket id -> first checked_in_at, as the server's tickets table
  let nonces // nonce -> first answer
  const realFetch = globalThis.fetch

  beforeAll(async () => {
    verifier = await createVerifier(PUBLIC_KEY)
    server = await startServer(async (request, body) => {
      const { code, nonce, scanned_at: scannedAt } = JSON.parse(body)
      if (nonces.has(nonce)) return nonces.get(nonce)
      const claim = await readCode(verifier, code)
      let answer
      if (claim.ticketId === 666) {
        answer = json(409, { error: { code: 'revoked', message: 'Cancelled.', details: { ticket: {} } } })
      } else if (checkedIn.has(claim.ticketId)) {
        const details = {
          ticket: { id: claim.ticketId, seat: claim.seat },
          checked_in_at: checkedIn.get(claim.ticketId),
        }
        answer = json(409, { error: { code: 'already_checked_in', message: 'Already.', details } })
      } else {
        checkedIn.set(claim.ticketId, scannedAt ?? 'now')
        answer = json(200, { result: 'ok', ticket: { id: claim.ticketId, seat: claim.seat }, checked_in_at: scannedAt })
      }
      nonces.set(nonce, answer)
      return answer
    })
    vi.stubGlobal('fetch', (path, init) => realFetch(new URL(path, base), init))
    configureClient({ getToken: () => 'staff-token' })
  })
  afterAll(async () => {
    vi.unstubAllGlobals()
    await server.close()
  })
  beforeEach(() => {
    base = server.base
    checkedIn = new Map()
    nonces = new Map()
    server.requests.length = 0
  })

  function device(name, at) {
    let n = 0
    return createOfflineDoor({
      storage: new MemoryStorage(),
      userId: 1,
      now: () => new Date(at),
      newNonce: () => `${name}-${++n}`,
    })
  }
  const admit = async (door, code) =>
    door.admitOffline({ code, screeningId: 77, claim: await readCode(verifier, code) })

  it('sends each scan once with its time and nonce, then the queue is empty', async () => {
    const door = device('a', '2026-11-29T12:30:00Z')
    await admit(door, ticket(1))
    await admit(door, ticket(2))
    expect(await door.sync(checkIn)).toEqual({ confirmed: ['a-1', 'a-2'], refused: [], left: 0 })
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([
      { code: ticket(1), screening_id: 77, nonce: 'a-1', scanned_at: '2026-11-29T12:30:00.000Z' },
      { code: ticket(2), screening_id: 77, nonce: 'a-2', scanned_at: '2026-11-29T12:30:00.000Z' },
    ])
    expect(server.requests[0].headers.authorization).toBe('Bearer staff-token')
    expect(door.pending()).toEqual([])
    expect(await door.sync(checkIn)).toEqual({ confirmed: [], refused: [], left: 0 })
    expect(server.requests).toHaveLength(2)
  })

  it('keeps the queue while the network is down and sends it when it is back', async () => {
    const door = device('a', '2026-11-29T12:30:00Z')
    await admit(door, ticket(1))
    base = 'http://127.0.0.1:9' // nothing listens there: a real connection error
    expect(await door.sync(checkIn)).toEqual({ confirmed: [], refused: [], left: 1 })
    base = server.base
    expect(await door.sync(checkIn)).toEqual({ confirmed: ['a-1'], refused: [], left: 0 })
  })

  it('lists a double entry made offline on two devices, with the first time', async () => {
    const first = device('a', '2026-11-29T12:30:00Z')
    const second = device('b', '2026-11-29T12:31:00Z')
    await admit(first, ticket(1))
    await admit(second, ticket(1))
    await admit(second, ticket(666))
    expect((await first.sync(checkIn)).confirmed).toEqual(['a-1'])
    const result = await second.sync(checkIn)
    expect(result.confirmed).toEqual([])
    expect(second.conflicts()).toEqual([
      {
        nonce: 'b-1',
        ticket: { id: 1, seat: 'F12' },
        screeningId: 77,
        scannedAt: '2026-11-29T12:31:00.000Z',
        code: 'already_checked_in',
        firstCheckedInAt: '2026-11-29T12:30:00.000Z',
      },
      {
        nonce: 'b-2',
        ticket: { id: 666, seat: 'F12' },
        screeningId: 77,
        scannedAt: '2026-11-29T12:31:00.000Z',
        code: 'revoked',
        firstCheckedInAt: null,
      },
    ])
    expect(result.refused).toEqual(second.conflicts())
    expect(first.conflicts()).toEqual([])
    second.clearConflicts()
    expect(second.conflicts()).toEqual([])
  })

  it('sends one sync at a time', async () => {
    const door = device('a', '2026-11-29T12:30:00Z')
    await admit(door, ticket(1))
    const [one, two] = await Promise.all([door.sync(checkIn), door.sync(checkIn)])
    expect(one).toEqual(two)
    expect(server.requests).toHaveLength(1)
  })
})

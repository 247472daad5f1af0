// The Scanner's mute switch is remembered on the device, and the tones are what docs/tickets.md says.
import { describe, expect, it } from 'vitest'
import { TONES, isMuted, setMuted } from '@/scanner/feedback'

class MemoryStorage {
  #items = new Map()
  getItem = (key) => (this.#items.has(key) ? this.#items.get(key) : null)
  setItem = (key, value) => this.#items.set(key, String(value))
  removeItem = (key) => this.#items.delete(key)
}

describe('scanner feedback', () => {
  it('remembers the mute switch', () => {
    const storage = new MemoryStorage()
    expect(isMuted(storage)).toBe(false)
    setMuted(true, storage)
    expect(isMuted(storage)).toBe(true)
    setMuted(false, storage)
    expect(isMuted(storage)).toBe(false)
  })

  it('admits with one high tone and refuses with two low ones', () => {
    expect(TONES.admit.map(([hz]) => hz)).toEqual([880])
    expect(TONES.refuse.map(([hz]) => hz)).toEqual([220, 220])
    const [[, firstAt, firstLength], [, secondAt]] = TONES.refuse
    expect(secondAt).toBeGreaterThan(firstAt + firstLength) // two tones, not one long one
  })
})

// How the Scanner answers besides the big panel: a short sound (Web Audio: one high tone for "admit", two
// low ones for "refuse") and a vibration where the phone has one. The mute switch only silences the sound
// (a vibration is silent) and is remembered on the device.

const MUTE_KEY = 'ts-scanner-muted'
let context = null

export const isMuted = (storage = globalThis.localStorage) => storage?.getItem(MUTE_KEY) === '1'
export function setMuted(muted, storage = globalThis.localStorage) {
  if (muted) storage?.setItem(MUTE_KEY, '1')
  else storage?.removeItem(MUTE_KEY)
}

/**
 * Browsers start audio only after a user gesture: call this from a click (the Check in button, the camera
 * button) so later answers, e.g. from the camera, can sound.
 */
export function unlockSound() {
  const AudioContext = globalThis.AudioContext ?? globalThis.webkitAudioContext
  if (!AudioContext) return
  context ??= new AudioContext()
  if (context.state === 'suspended') context.resume().catch(() => {})
}

// Tones as [frequency Hz, start s, length s]: admit is one 880 Hz beep; refuse two 220 Hz buzzes.
export const TONES = {
  admit: [[880, 0, 0.15]],
  refuse: [
    [220, 0, 0.18],
    [220, 0.26, 0.18],
  ],
}
export const VIBRATIONS = { admit: 120, refuse: [80, 60, 80, 60, 80] }

/** Sounds (unless muted) and vibrates (where possible) the answer: `kind` 'admit' or 'refuse'. */
export function signal(kind, { muted = isMuted() } = {}) {
  globalThis.navigator?.vibrate?.(VIBRATIONS[kind])
  if (muted || !context) return
  const start = context.currentTime
  for (const [frequency, at, length] of TONES[kind]) {
    const oscillator = context.createOscillator()
    const gain = context.createGain()
    oscillator.type = kind === 'admit' ? 'sine' : 'square'
    oscillator.frequency.value = frequency
    // A quick fade in and out: a hard start or stop clicks.
    gain.gain.setValueAtTime(0.0001, start + at)
    gain.gain.exponentialRampToValueAtTime(0.3, start + at + 0.01)
    gain.gain.exponentialRampToValueAtTime(0.0001, start + at + length)
    oscillator.connect(gain).connect(context.destination)
    oscillator.start(start + at)
    oscillator.stop(start + at + length + 0.02)
  }
}

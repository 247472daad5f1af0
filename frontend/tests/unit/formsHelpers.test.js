// The sign-up meter follows the server's password rules; names get a lang from their script; cancel codes get words.
import { describe, expect, it } from 'vitest'
import { passwordStrength } from '@/utils/passwordStrength'
import { nameLang } from '@/utils/scriptLang'
import { cancelReasonKey } from '@/utils/cancelReason'

describe('passwordStrength', () => {
  it('names each server rule a password breaks and caps its score', () => {
    expect(passwordStrength('', 'asha')).toEqual({ score: 0, problems: [] })
    expect(passwordStrength('kaapi', 'asha')).toEqual({ score: 1, problems: ['short'] })
    expect(passwordStrength('Asha-2026', 'asha-2026')).toEqual({ score: 1, problems: ['username'] })
    expect(passwordStrength('Password', 'asha')).toEqual({ score: 1, problems: ['common'] })
    // the server refuses one character repeated (eight spaces were accepted once)
    expect(passwordStrength('        ', 'asha')).toEqual({ score: 1, problems: ['repeated'] })
    expect(passwordStrength('aaaaaaaaaaaaaaaaa', 'asha')).toEqual({ score: 1, problems: ['repeated'] })
  })

  it('scores length and variety once the rules are met', () => {
    expect(passwordStrength('kaapifilter', 'asha').score).toBe(2)
    expect(passwordStrength('Kaapi-filter7', 'asha').score).toBe(4)
    expect(passwordStrength('abababababababab', 'asha').score).toBe(2) // long, but two letters
  })
})

describe('nameLang', () => {
  it('guesses the language from the script most letters are in', () => {
    expect(nameLang('மழைக்காலம் 2')).toBe('ta')
    expect(nameLang('हवेली')).toBe('hi')
    expect(nameLang('ಮುಂಗಾರು ಮಳೆ')).toBe('kn')
    expect(nameLang('পথের পাঁচালী')).toBe('bn')
    expect(nameLang('The Great Dosa Heist')).toBe('en')
    expect(nameLang('Kaala (காலா)')).toBe('en')
    expect(nameLang('2026 !')).toBeUndefined()
    expect(nameLang(null)).toBeUndefined()
  })
})

describe('cancelReasonKey', () => {
  it('gives every code words, and an unknown code a general sentence', () => {
    expect(cancelReasonKey('show_removed')).toBe('bookings.cancelReasons.show_removed')
    expect(cancelReasonKey('something_new')).toBe('bookings.cancelReasons.other')
    expect(cancelReasonKey(null)).toBe('bookings.cancelReasons.other')
  })
})

// The sign-up meter follows the server's password rules; names get a lang from their script; cancel codes get words;
// a booking's seats read as labels; an admin form's edit with nothing changed sends nothing; a stored poster offers
// the server's narrower copies.
import { describe, expect, it } from 'vitest'
import { passwordStrength } from '@/utils/passwordStrength'
import { nameLang } from '@/utils/scriptLang'
import { cancelReasonKey } from '@/utils/cancelReason'
import { bookingSeats } from '@/utils/format'
import { useSaveWithImage } from '@/composables/useSaveWithImage'
import { imageSrcset } from '@/utils/images'

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

describe('bookingSeats', () => {
  it('gives the seat labels, never the layout positions, when the booking has labels', () => {
    expect(bookingSeats({ seats: ['H10', 'H11'], seat_numbers: [150, 151] })).toEqual(['H10', 'H11'])
    // a booking from before seat maps has positions only
    expect(bookingSeats({ seats: [], seat_numbers: [3] })).toEqual([3])
    expect(bookingSeats({})).toEqual([])
  })
})

describe('useSaveWithImage', () => {
  const calls = []
  const { save } = useSaveWithImage({
    create: async (payload) => (calls.push(['create', payload]), { id: 7, ...payload }),
    update: async (id, payload) => (calls.push(['update', id, payload]), { id, ...payload }),
    uploadImage: async (id) => (calls.push(['image', id]), { image_url: `/img/${id}` }),
  })

  it('sends nothing for an edit that changed no field and says it was unchanged', async () => {
    calls.length = 0
    const existing = { id: 3, name: 'Sitara' }
    expect(await save(existing, {}, null)).toEqual({ record: existing, imageSaved: true, unchanged: true })
    expect(calls).toEqual([])
  })

  it('counts a new image or a changed field as a change', async () => {
    calls.length = 0
    const onlyImage = await save({ id: 3 }, {}, new Blob(['x']))
    expect(onlyImage.unchanged).toBeUndefined()
    const renamed = await save({ id: 3 }, { name: 'Sitara 2' }, null)
    expect(renamed).toEqual({ record: { id: 3, name: 'Sitara 2' }, imageSaved: true })
    expect(calls).toEqual([
      ['image', 3],
      ['update', 3, { name: 'Sitara 2' }],
    ])
  })
})

describe('imageSrcset', () => {
  it("offers the server's 200, 400 and 800 px copies of a stored image, and nothing for any other picture", () => {
    expect(imageSrcset('/media/shows/0123456789abcdef01234567.webp')).toBe(
      '/media/shows/0123456789abcdef01234567.webp?w=200 200w, /media/shows/0123456789abcdef01234567.webp?w=400 400w, ' +
        '/media/shows/0123456789abcdef01234567.webp?w=800 800w',
    )
    // a local preview before upload, another site's picture, an URL with a query of its own, no picture
    for (const src of ['blob:http://x/1', 'https://example.org/p.webp', '/media/shows/a.webp?w=200', null]) {
      expect(imageSrcset(src)).toBeNull()
    }
  })
})

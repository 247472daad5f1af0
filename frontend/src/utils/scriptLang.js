// Names of shows, theatres and places are data in any script (மழைக்காலம், हवेली, ಮುಂಗಾರು ಮಳೆ). A lang
// attribute on them lets a screen reader switch to a voice that can say them; the script is a good enough
// guess of the language for that (Devanagari is read as Hindi, which is also the closest voice for Marathi).

// [first code point, last code point, BCP 47 language] per Unicode block.
const BLOCKS = [
  [0x0041, 0x024f, 'en'], // Basic Latin letters to Latin Extended-B
  [0x0600, 0x06ff, 'ur'], // Arabic (Urdu in India)
  [0x0900, 0x097f, 'hi'], // Devanagari
  [0x0980, 0x09ff, 'bn'], // Bengali
  [0x0a00, 0x0a7f, 'pa'], // Gurmukhi
  [0x0a80, 0x0aff, 'gu'], // Gujarati
  [0x0b00, 0x0b7f, 'or'], // Oriya
  [0x0b80, 0x0bff, 'ta'], // Tamil
  [0x0c00, 0x0c7f, 'te'], // Telugu
  [0x0c80, 0x0cff, 'kn'], // Kannada
  [0x0d00, 0x0d7f, 'ml'], // Malayalam
  [0x0d80, 0x0dff, 'si'], // Sinhala
]

function languageOf(codePoint) {
  for (const [first, last, language] of BLOCKS) {
    if (codePoint >= first && codePoint <= last) return language
  }
  return null
}

/**
 * The language to put in a name's lang attribute, guessed from the script most of its letters are in:
 * 'ta', 'hi', 'kn', 'bn', 'te', 'ml', 'gu', 'pa', 'or', 'ur', 'si' or 'en' (Latin letters), or undefined when
 * it has no letters of these scripts (then Vue leaves the attribute out and the page's language applies).
 */
export function nameLang(name) {
  const counts = new Map()
  for (const char of String(name ?? '')) {
    if (!/\p{L}|\p{M}/u.test(char)) continue // digits, spaces and punctuation say nothing about the script
    const language = languageOf(char.codePointAt(0))
    if (language) counts.set(language, (counts.get(language) ?? 0) + 1)
  }
  let best
  for (const [language, count] of counts) if (!best || count > counts.get(best)) best = language
  return best
}

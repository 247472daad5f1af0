import { ref } from 'vue'
import { listAllTheatres } from '@/api/theatres'

// One list per page load: the places change when the admin adds a theatre in a new city, not while someone
// browses.
const places = ref([])
let loading = null

/** Folds case, accents and Unicode forms, so "Chennai", "chennai" and "CHENNAI" are one place. */
export const placeKey = (place) =>
  String(place ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .trim()
    .toLocaleLowerCase()

/**
 * The places the theatres are in, as the first theatre found there writes it, each once. There is no endpoint
 * of places: they come from GET /api/theatres (every page). Returns a ref of strings, [] until loaded (or when
 * the theatres cannot be loaded: the filter still offers "Any place" and the place already chosen).
 */
export function usePlaces() {
  loading ??= listAllTheatres()
    .then((theatres) => {
      const seen = new Map()
      for (const { place } of theatres) if (place && !seen.has(placeKey(place))) seen.set(placeKey(place), place)
      places.value = [...seen.values()]
    })
    .catch(() => {
      loading = null // asked again by the next list that needs it
    })
  return places
}

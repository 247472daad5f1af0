// Narrower copies of an uploaded image for `srcset`: GET /media/<kind>/<name>.webp?w=200|400|800 answers the
// image at most that many pixels wide (the server makes each copy once: backend/ticketshow/catalog/images.py).
// The browser picks the smallest copy that fills the slot at the screen's pixel density: a phone's card at
// one device pixel per CSS pixel takes the 200 px copy (6-9 KB) instead of the 600 px poster (17-48 KB).

export const IMAGE_WIDTHS = [200, 400, 800]

// How wide a poster is drawn, for the browser to choose a copy before the page's layout exists. They follow the
// grids of HomeView (2 cards a row below 768 px, 3 below 992 px, then 4 in a container of at most 1,320 px)
// and ShowView (the whole width below 576 px, then a column of at most 330 px), a little generous.
// backend/ticketshow/spa.py preloads the home and show pages' first poster with the same words (imagesizes):
// keep them equal, or the preloaded copy is not the one the page asks for (tests/e2e/test_first_load.py).
export const CARD_SIZES = '(min-width: 992px) 330px, (min-width: 768px) 33vw, 50vw'
export const DETAIL_SIZES = '(min-width: 576px) 330px, 100vw'

/** "src?w=200 200w, src?w=400 400w, src?w=800 800w" for an image the server stores (/media/...), else null. */
export function imageSrcset(src) {
  if (typeof src !== 'string' || !src.startsWith('/media/') || src.includes('?')) return null
  return IMAGE_WIDTHS.map((width) => `${src}?w=${width} ${width}w`).join(', ')
}

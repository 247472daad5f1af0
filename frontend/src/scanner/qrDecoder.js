// Reading QR codes from the camera: the browser's BarcodeDetector where it exists and reads QR codes,
// otherwise jsQR (loaded only here, when staff turn the camera on; it is not in the app's main bundle).

const MAX_SIDE = 640 // frames are scaled down to this: plenty for a ticket held up to the phone, and fast

/**
 * A function reading one frame of a playing <video>: `decode(video) -> Promise<string|null>` (the QR's text).
 * `engine` says which reader it is ('barcode-detector' or 'jsqr').
 */
export async function createQrDecoder({ preferNative = true } = {}) {
  const Detector = globalThis.BarcodeDetector
  if (preferNative && Detector) {
    try {
      const formats = (await Detector.getSupportedFormats?.()) ?? ['qr_code']
      if (formats.includes('qr_code')) {
        const detector = new Detector({ formats: ['qr_code'] })
        return {
          engine: 'barcode-detector',
          decode: async (video) => (await detector.detect(video))[0]?.rawValue ?? null,
        }
      }
    } catch {
      // A detector that cannot read QR codes here: use jsQR.
    }
  }
  const { default: jsQR } = await import('jsqr')
  const canvas = document.createElement('canvas')
  const context = canvas.getContext('2d', { willReadFrequently: true })
  return {
    engine: 'jsqr',
    decode: async (video) => {
      const { videoWidth: width, videoHeight: height } = video
      if (!width || !height) return null
      const scale = Math.min(1, MAX_SIDE / Math.max(width, height))
      canvas.width = Math.round(width * scale)
      canvas.height = Math.round(height * scale)
      context.drawImage(video, 0, 0, canvas.width, canvas.height)
      const frame = context.getImageData(0, 0, canvas.width, canvas.height)
      return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'attemptBoth' })?.data ?? null
    },
  }
}

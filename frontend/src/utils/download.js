/**
 * Saves a Blob as a file through a temporary object URL and an <a download> (downloads that need the
 * session's token cannot be plain links: the browser would fetch them without it and get 401).
 */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.rel = 'noopener'
  link.style.display = 'none'
  document.body.appendChild(link)
  link.click()
  link.remove()
  // Give the browser a moment to start reading the file before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}

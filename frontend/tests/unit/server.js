// A real HTTP server on 127.0.0.1 for the unit tests: the API client's fetch goes through it, so the
// client reads real status lines, headers and bodies. The client calls same-origin paths ("/api/..."),
// as in the browser; `useServer` points those at this server.
import http from 'node:http'

/** Starts a server answering with `handler(request, body) -> {status, headers, body}`; resolves to its base URL. */
export async function startServer(handler) {
  const requests = []
  const server = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', async () => {
      requests.push({ method: request.method, url: request.url, headers: request.headers, body })
      const answer = await handler(request, body)
      response.writeHead(answer.status ?? 200, answer.headers ?? {})
      response.end(answer.body === undefined ? '' : answer.body)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${server.address().port}`
  return { base, requests, close: () => new Promise((resolve) => server.close(resolve)) }
}

/** fetch for same-origin paths, sent to `base` (what the browser does for a page served from there). */
export function sameOriginFetch(base) {
  const realFetch = globalThis.fetch
  return (path, init) => realFetch(new URL(path, base), init)
}

export const json = (status, value, headers = {}) => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(value),
})

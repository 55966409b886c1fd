import http from 'node:http'
import { type AddressInfo } from 'node:net'
import { handleEndpoints, type SanitizedConfig } from 'payload'

import { reportEveryTwoSeconds } from './diag.js'

/**
 * Serves the host's REST API (Payload's own handler) over plain HTTP and prints "ready <port>" for
 * `startApp`. Exits normally on SIGTERM, so that `--cpu-prof` can write its profile.
 */
export function serveRestApi(config: Promise<SanitizedConfig> | SanitizedConfig): void {
  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', async () => {
      try {
        const headers = new Headers()
        for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === 'string') headers.set(name, value)
        const response = await handleEndpoints({
          config: config as Promise<SanitizedConfig>,
          request: new Request(`http://localhost${incoming.url}`, { body: incoming.method === 'POST' ? Buffer.concat(chunks) : undefined, headers, method: incoming.method }),
        })
        const body = Buffer.from(await response.arrayBuffer())
        outgoing.writeHead(response.status, { 'Content-Length': body.byteLength, 'Content-Type': response.headers.get('content-type') ?? 'text/plain' }).end(body)
      } catch (error) {
        outgoing.writeHead(500).end(String(error))
      }
    })
  })
  server.keepAliveTimeout = 60_000
  reportEveryTwoSeconds('app')
  server.listen(0, '127.0.0.1', () => console.log(`ready ${(server.address() as AddressInfo).port}`))
  process.on('SIGTERM', () => process.exit(0))
}

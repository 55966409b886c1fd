/**
 * The host app's REST API (every Payload endpoint, the webhooks among them) as a process of its own,
 * for the crash test to kill -9 and start again: `DATABASE_URI`, `PORT` and the dev app's settings
 * (`ERP_WEBHOOK_SECRET`, `STRIPE_*`) from the environment. Prints "ready" when it listens.
 */
import http from 'node:http'
import { getPayload, handleEndpoints } from 'payload'

import { createDevConfig } from '../../dev/config.js'

const config = createDevConfig({ databaseUri: process.env.DATABASE_URI!, seed: false })
await getPayload({ config })

const server = http.createServer((incoming, outgoing) => {
  const chunks: Buffer[] = []
  incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
  incoming.on('end', async () => {
    const headers = new Headers()
    for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === 'string') headers.set(name, value)
    const body = chunks.length ? Buffer.concat(chunks) : undefined
    const response = await handleEndpoints({ config, request: new Request(`http://127.0.0.1${incoming.url}`, { body, headers, method: incoming.method }) })
    outgoing.writeHead(response.status, Object.fromEntries(response.headers))
    outgoing.end(Buffer.from(await response.arrayBuffer()))
  })
})
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'))

/**
 * Playwright globalSetup: the e-mail the app sends during the e2e run, caught by a real SMTP server.
 *
 * Playwright starts the web server (`next start`, another process) before globalSetup runs, so the app's
 * SMTP_URL names a fixed port (`e2eSmtpUrl()`, E2E_SMTP_PORT, default 2525). startSmtpSink() listens on a
 * free port; a relay on the fixed port forwards every connection to it. Tests run in worker processes:
 * they read mail over a loopback HTTP endpoint, `GET /mail/<address>`, which answers with the next message
 * to that address as JSON (waiting for it to arrive) or 404. Workers find it in E2E_MAIL_URL.
 */
import http from 'node:http'
import net from 'node:net'

import { startSmtpSink } from '../helpers/smtp.js'

export const e2eSmtpPort = () => Number(process.env.E2E_SMTP_PORT || 2525)
export const e2eSmtpUrl = () => `smtp://127.0.0.1:${e2eSmtpPort()}`

const listen = (server: http.Server | net.Server, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))
  })
const close = (server: http.Server | net.Server) => new Promise<void>((resolve) => server.close(() => resolve()))

export default async function startMailSink() {
  const sink = await startSmtpSink()
  const sinkPort = Number(new URL(sink.url).port)

  const relay = net.createServer((socket) => {
    const upstream = net.connect(sinkPort, '127.0.0.1')
    socket.pipe(upstream).pipe(socket)
    socket.on('error', () => upstream.destroy())
    upstream.on('error', () => socket.destroy())
  })
  await listen(relay, e2eSmtpPort())

  const api = http.createServer((request, response) => {
    const [, kind, address] = (request.url ?? '').split('/')
    if (kind !== 'mail' || !address) return response.writeHead(404).end()
    sink.waitFor(decodeURIComponent(address)).then(
      (mail) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(mail)),
      (error: Error) => response.writeHead(404, { 'Content-Type': 'text/plain' }).end(error.message),
    )
  })
  process.env.E2E_MAIL_URL = `http://127.0.0.1:${await listen(api, 0)}`

  return async () => {
    api.closeAllConnections()
    relay.close()
    await Promise.all([close(api), sink.stop()])
  }
}

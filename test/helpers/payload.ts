import { getPayload, type Payload } from 'payload'

import type { InvoicePortalPluginOptions } from '../../src/options.js'

import { createDevConfig } from '../../dev/config.js'
import { createTestDatabase, databaseUri, dropTestDatabase } from './db.js'
import { passwords } from './fixtures.js'
import { httpClient } from './http.js'

export type TestApp = {
  config: ReturnType<typeof createDevConfig>
  payload: Payload
  stop: () => Promise<void>
}

/** The dev host app on a fresh database of its own, without demo data unless asked. */
export async function startTestApp(options: { plugin?: InvoicePortalPluginOptions; seed?: boolean; smtpUrl?: string } = {}): Promise<TestApp> {
  const name = await createTestDatabase()
  const config = createDevConfig({ databaseUri: databaseUri(name), plugin: options.plugin, seed: options.seed ?? false, smtpUrl: options.smtpUrl })
  const payload = await getPayload({ config })
  return {
    config,
    payload,
    stop: async () => {
      // Connections still closing when the database is dropped report an error; it is expected here.
      ;(payload.db as unknown as { pool?: { on: (event: string, listener: () => void) => void } }).pool?.on('error', () => {})
      await payload.destroy()
      await dropTestDatabase(name)
    },
  }
}

/** A test app with one staff user, a REST/GraphQL client, and that user's token. */
export async function startStaffApp(options: Parameters<typeof startTestApp>[0] = {}) {
  const app = await startTestApp(options)
  const http = httpClient(app.config)
  const staff = await app.payload.create({ collection: 'users', data: { email: 'staff@host.test', password: passwords.staff } })
  const staffToken = await http.login('users', 'staff@host.test', passwords.staff)
  return { ...app, http, staff, staffToken }
}

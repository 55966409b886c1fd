/**
 * Recreates the e2e database with the schema and the demo data.
 * `next start` runs in production mode, where Payload does not push the schema, so this step pushes it
 * (getPayload outside production) and seeds, before the app is started against it.
 */
import pg from 'pg'
import { getPayload } from 'payload'

import { createDevConfig } from '../../dev/config.js'
import { dropTestDatabase, serverUri } from '../helpers/db.js'
import { e2eDatabaseName, e2eDatabaseUri } from './database.js'

if (process.env.NODE_ENV === 'production') {
  throw new Error('prepare-db needs NODE_ENV other than production: Payload pushes the schema only then.')
}

const started = Date.now()
await dropTestDatabase(e2eDatabaseName)
const admin = new pg.Client({ connectionString: serverUri() })
await admin.connect()
await admin.query(`CREATE DATABASE "${e2eDatabaseName}"`)
await admin.end()

const payload = await getPayload({ config: createDevConfig({ databaseUri: e2eDatabaseUri(), seed: true }) })
const { totalDocs } = await payload.count({ collection: 'invoices' })
await payload.destroy()
console.log(`e2e database ${e2eDatabaseName} ready: ${totalDocs} invoices (${((Date.now() - started) / 1000).toFixed(1)} s)`)
// payload.destroy() leaves handles open (the process would idle on), and the work is done.
process.exit(0)

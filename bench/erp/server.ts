/**
 * The app under test for `npm run bench:erp`, in its own process: the dev host app with the ERP
 * webhook, served over plain HTTP by Payload's own REST handler. Prints "ready <port>".
 */
import { getPayload } from 'payload'

import { createDevConfig } from '../../dev/config.js'
import { serveRestApi } from '../lib/serve.js'

const config = createDevConfig({
  databaseUri: process.env.DATABASE_URI!,
  plugin: { erp: { webhookSecret: process.env.ERP_WEBHOOK_SECRET! }, paymentReconciliation: { cron: false } },
  seed: false,
})
await getPayload({ config })
serveRestApi(config)

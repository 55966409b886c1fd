/**
 * Key rotation for secrets at rest (README, "Secrets at rest"):
 *
 *   INVOICE_PORTAL_SECRET_KEYS=<new>,<old> npm run secrets:rotate
 *
 * Reseals every stored secret under the first key of INVOICE_PORTAL_SECRET_KEYS. Exits 1 while any
 * stored secret is still unreadable (sealed under a key that is not listed): don't drop a key then.
 * Run through with-database.ts, so it works on the embedded database as `npm run dev` does.
 */
import { getPayload } from 'payload'
import { rotateSecrets } from 'payload-invoice-portal'

// The demo data is the dev app's business, not rotation's.
process.env.SEED_DEMO_DATA = 'false'
const { default: config } = await import('../payload.config.js')
const payload = await getPayload({ config })
let code = 0
try {
  const counts = await rotateSecrets(payload)
  console.log(`[secrets:rotate] resealed ${counts.resealed}, already under the current key ${counts.alreadyCurrent}, unreadable ${counts.unreadable}`)
  if (counts.unreadable > 0) {
    console.error('[secrets:rotate] some secrets cannot be opened with the configured keys: keep the key that sealed them in INVOICE_PORTAL_SECRET_KEYS, or enter them again in the settings')
    code = 1
  }
} catch (error) {
  console.error(`[secrets:rotate] ${error instanceof Error ? error.message : String(error)}`)
  code = 1
}
await payload.destroy()
process.exit(code)

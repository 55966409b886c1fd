import { createDevConfig } from './config.js'

const databaseUri = process.env.DATABASE_URI
if (!databaseUri) {
  throw new Error(
    'DATABASE_URI is not set. Run the dev app with `npm run dev` (it starts an embedded database when DATABASE_URI is unset).',
  )
}

export default createDevConfig({
  databaseUri,
  seed: process.env.SEED_DEMO_DATA !== 'false',
  smtpUrl: process.env.SMTP_URL || undefined,
})

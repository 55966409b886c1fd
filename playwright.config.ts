import { defineConfig } from '@playwright/test'

import { e2eDatabaseUri } from './test/e2e/database.js'
import { e2eSmtpUrl } from './test/e2e/mail-sink.js'
import { e2eStripe } from './test/e2e/stripe-fake.js'

/** `npm run test:e2e` prepares the database and builds dev/ first; this starts the production server. */
const port = Number(process.env.E2E_PORT || 3210)
const baseURL = `http://127.0.0.1:${port}`

export default defineConfig({
  // The first render of a page on a cold production server can take a few seconds.
  expect: { timeout: 10_000 },
  forbidOnly: Boolean(process.env.CI),
  // The SMTP server the app sends to (SMTP_URL below), and where tests read the mail back.
  // …and the fake Stripe API the app pays through (STRIPE_* below).
  globalSetup: ['./test/e2e/mail-sink.ts', './test/e2e/stripe-fake.ts'],
  outputDir: 'test-results',
  reporter: [['list'], ['json', { outputFile: 'reports/playwright.json' }]],
  testDir: 'test/e2e',
  testMatch: '*.e2e.spec.ts',
  timeout: 60_000,
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    // A browser download is impossible here: drive Debian's chromium.
    launchOptions: {
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `next start dev -p ${port}`,
    env: {
      DATABASE_URI: e2eDatabaseUri(),
      NEXT_TELEMETRY_DISABLED: '1',
      PAYLOAD_CONFIG_PATH: './dev/payload.config.ts',
      // The public address a deployment configures: links in e-mails (magic links) point here.
      PORTAL_BASE_URL: baseURL,
      SMTP_URL: e2eSmtpUrl(),
      STRIPE_API_URL: `http://127.0.0.1:${e2eStripe.port()}`,
      STRIPE_SECRET_KEY: e2eStripe.secretKey,
      STRIPE_WEBHOOK_SECRET: e2eStripe.webhookSecret,
    },
    reuseExistingServer: false,
    timeout: 60_000,
    url: `${baseURL}/admin/login`,
  },
  workers: 1,
})

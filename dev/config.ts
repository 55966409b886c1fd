import { postgresAdapter } from '@payloadcms/db-postgres'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildConfig, type Config } from 'payload'
import { invoicePortalPlugin, type InvoicePortalPluginOptions } from 'payload-invoice-portal'
import { mollieProvider } from 'payload-invoice-portal/payments/mollie'
import { stripeProvider } from 'payload-invoice-portal/payments/stripe'

import { smtpEmailAdapter } from './helpers/smtpEmailAdapter.js'
import { seedDemoData } from './seed.js'

const dirname = path.dirname(fileURLToPath(import.meta.url))

/**
 * The providers whose keys are in the environment. `STRIPE_API_URL` and `MOLLIE_API_URL` point the
 * SDKs at a test double (the end-to-end tests use the fakes in test/fakes).
 */
function paymentProviders(env: NodeJS.ProcessEnv): NonNullable<InvoicePortalPluginOptions['payments']> {
  return [
    ...(env.STRIPE_SECRET_KEY
      ? [stripeProvider({ apiUrl: env.STRIPE_API_URL || undefined, secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET || 'whsec_dev_only' })]
      : []),
    ...(env.MOLLIE_API_KEY ? [mollieProvider({ apiKey: env.MOLLIE_API_KEY, apiUrl: env.MOLLIE_API_URL || undefined })] : []),
  ]
}

export type DevConfigOptions = {
  databaseUri: string
  /** Extra options for the plugin, merged over the dev app's. */
  plugin?: InvoicePortalPluginOptions
  /** Seed demo data when the database is empty. */
  seed: boolean
  /** SMTP server for e-mail (smtp://host:port); without it Payload logs e-mails to the console. */
  smtpUrl?: string
}

/**
 * The host app's Payload config, built the way a team adding the plugin would write it.
 * Tests build it with their own database and without the demo data.
 */
export function createDevConfig({ databaseUri, plugin, seed, smtpUrl }: DevConfigOptions) {
  const config: Config = {
    admin: {
      // The default avatar is a Gravatar image, which an offline host cannot load.
      avatar: 'default',
      importMap: { baseDir: dirname },
      user: 'users',
    },
    collections: [
      {
        slug: 'users',
        admin: { useAsTitle: 'email' },
        auth: true,
        fields: [{ name: 'name', type: 'text' }],
      },
    ],
    db: postgresAdapter({
      // Production does not push the schema: `payload migrate` applies these before the app starts.
      migrationDir: path.resolve(dirname, 'migrations'),
      pool: { connectionString: databaseUri, max: 10 },
    }),
    email: smtpUrl ? smtpEmailAdapter(smtpUrl) : undefined,
    // Large ZIP downloads are built by a job on the plugin's queue; the app runs it every minute.
    // Tests run jobs themselves (payload.jobs.run), so no timer is left behind there. A web-only instance
    // (INVOICE_PORTAL_ROLE=web) leaves the queue to the one worker process (`payload jobs:run`): Payload
    // claims jobs with a read and then a write, so two runners could take the same job.
    jobs: process.env.NODE_ENV === 'test' || process.env.INVOICE_PORTAL_ROLE === 'web' ? {} : { autoRun: [{ cron: '* * * * *', limit: 5, queue: 'invoice-portal' }] },
    onInit: seed ? seedDemoData : undefined,
    plugins: [
      invoicePortalPlugin({
        currency: 'EUR',
        documents: { staticDir: path.resolve(dirname, '.uploads/documents') },
        erp: { webhookSecret: process.env.ERP_WEBHOOK_SECRET || 'erp-dev-secret-change-me' },
        // Tests run the reconciliation sweep themselves, so no timer is left behind there.
        paymentReconciliation: process.env.NODE_ENV === 'test' ? { cron: false } : {},
        payments: paymentProviders(process.env),
        // Comma-separated, newest first (README, "Secrets at rest"); without any, a key derived from PAYLOAD_SECRET.
        secrets: { keys: process.env.INVOICE_PORTAL_SECRET_KEYS?.split(',').filter(Boolean) },
        portal: {
          branding: {
            companyDetails: 'Keizersgracht 100\n1015 AA Amsterdam\nBTW NL001234567B01\nIBAN NL91 ABNA 0417 1643 00',
            legalFooter: 'Example Billing BV · KvK 12345678 · NL001234567B01',
            name: 'Example Billing',
          },
        },
        ...plugin,
      }),
    ],
    secret: process.env.PAYLOAD_SECRET || 'dev-only-secret-change-me',
    serverURL: process.env.PORTAL_BASE_URL || undefined,
    telemetry: false,
    typescript: {
      // Generating types spawns a child process on every start; the dev app and tests don't need it.
      autoGenerate: false,
      outputFile: path.resolve(dirname, 'payload-types.ts'),
    },
  }
  return buildConfig(config)
}

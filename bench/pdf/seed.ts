/**
 * Seeds the PDF benchmark's database (a child step of `npm run bench:pdf`, see bench/pdf.ts): pushes
 * the schema (getPayload outside production, as bench/seed.ts and test/e2e/prepare-db.ts do), sets
 * the portal's branding to the benchmark's brand, and creates one client (named with Ĳ) with a
 * contact and BENCH_PDF_INVOICES open invoices of the benchmark's 20 lines (bench/pdf/job.ts), every
 * one through the Local API so numbers, totals and tax breakdowns are what the plugin's hooks make.
 *
 * Prints one line `BENCH_PDF_SEED_RESULT <json>` for the parent.
 */
import { getPayload } from 'payload'

import { createDevConfig } from '../../dev/config.js'
import { brand, client, lineInputs } from './job.js'

if (process.env.NODE_ENV === 'production') {
  throw new Error('bench/pdf/seed.ts needs NODE_ENV other than production: Payload pushes the schema only then.')
}
const databaseUri = process.env.BENCH_DATABASE_URI
if (!databaseUri) throw new Error('BENCH_DATABASE_URI is not set (bench/pdf/seed.ts is run by bench/pdf.ts).')
const total = Number(process.env.BENCH_PDF_INVOICES || 1000)
const batchSize = 8

const login = { email: 'pdf-bench@bench.test', password: 'bench-password-1' }

const started = Date.now()
const payload = await getPayload({ config: createDevConfig({ databaseUri, seed: false }) })
const schemaSeconds = (Date.now() - started) / 1000

await payload.updateGlobal({
  slug: 'invoice-portal-settings',
  data: {
    branding: {
      accentColor: brand.accentColor,
      companyDetails: brand.companyDetails.join('\n'),
      legalFooter: brand.legalFooter,
      name: brand.name,
      primaryColor: brand.primaryColor,
    },
  } as never,
})
const [line1, postalCity, country] = client.lines
const clientDoc = await payload.create({
  collection: 'clients',
  data: {
    address: { city: postalCity.slice(8), country, line1, postalCode: postalCity.slice(0, 7) },
    billingEmail: client.email,
    currency: 'EUR',
    locale: 'nl',
    name: client.name,
    taxId: client.taxId,
    timezone: 'Europe/Amsterdam',
  },
})
const contact = await payload.create({ collection: 'contacts', data: { ...login, client: clientDoc.id, name: 'Bench Contact', role: 'billing' } })

const createOne = (index: number) =>
  payload.create({
    collection: 'invoices',
    data: {
      client: clientDoc.id,
      dueDate: '2026-12-01',
      issueDate: new Date(Date.UTC(2026, 0, 1) + (index % 300) * 86_400_000).toISOString().slice(0, 10),
      lineItems: lineInputs.map(({ description, quantity, taxRate, unitAmount }) => ({ description, quantity, taxRate, unitAmount })),
      notes: 'Vragen over deze factuur? Mail facturen@demobilling.nl en vermeld het factuurnummer.',
      paymentTerms: '30 dagen',
      status: 'open',
    },
    depth: 0,
  })

const seedStarted = Date.now()
const ids: Array<number | string> = []
for (let index = 0; index < total; index += batchSize) {
  const batch = Array.from({ length: Math.min(batchSize, total - index) }, (_, offset) => index + offset)
  for (const invoice of await Promise.all(batch.map(createOne))) ids.push(invoice.id)
}
const seedSeconds = (Date.now() - seedStarted) / 1000
const lines = await payload.count({ collection: 'invoices', where: { client: { equals: clientDoc.id } } })

console.log(
  `BENCH_PDF_SEED_RESULT ${JSON.stringify({ contact: { email: login.email, id: contact.id, password: login.password }, clientId: clientDoc.id, ids, invoices: lines.totalDocs, schemaSeconds, seedSeconds })}`,
)
// payload.destroy() leaves handles open (the process would idle on), and the work is done.
process.exit(0)

import type { Payload } from 'payload'

/** Known logins of the demo data (README lists them). */
export const demoLogins = {
  staff: { email: 'dev@example.com', password: 'dev-password' },
  acmeBilling: { email: 'alice@acme.test', password: 'alice-password' },
  acmeViewer: { email: 'victor@acme.test', password: 'victor-password' },
  globexBilling: { email: 'bob@globex.test', password: 'bob-password' },
  tanakaBilling: { email: 'yuki@tanaka.test', password: 'yuki-password' },
} as const

const day = (offset: number) => {
  const date = new Date()
  date.setUTCDate(date.getUTCDate() + offset)
  return date.toISOString().slice(0, 10)
}

/** A one-page PDF, so the demo documents are real files a browser can open. */
export function tinyPdf(text: string): Buffer {
  const stream = `BT /F1 18 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let body = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((object, index) => {
    offsets.push(body.length)
    body += `${index + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = body.length
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

type Line = { description: string; quantity: string; taxRate: string; unitAmount: number }

/**
 * Demo data for the dev app: three clients in three currencies, contacts with known passwords,
 * invoices in every status, payments (settled and in progress), a credit note and documents.
 * Runs only on an empty database.
 */
export async function seedDemoData(payload: Payload): Promise<void> {
  const { totalDocs } = await payload.count({ collection: 'users' })
  if (totalDocs > 0) return
  payload.logger.info('Seeding invoice portal demo data…')

  await payload.create({ collection: 'users', data: { ...demoLogins.staff, name: 'Dana Staff' } })

  const client = (data: Record<string, unknown>) => payload.create({ collection: 'clients', data })
  const acme = await client({
    address: { city: 'Amsterdam', country: 'NL', line1: 'Keizersgracht 1', postalCode: '1015 AA' },
    billingEmail: 'billing@acme.test',
    currency: 'EUR',
    externalId: 'ERP-C-1001',
    locale: 'nl',
    name: 'Acme BV',
    taxId: 'NL001234567B01',
    timezone: 'Europe/Amsterdam',
  })
  const globex = await client({
    billingEmail: 'ap@globex.test',
    currency: 'USD',
    locale: 'en',
    name: 'Globex Corporation',
    timezone: 'America/New_York',
  })
  const tanaka = await client({ currency: 'JPY', locale: 'en', name: 'Tanaka KK', timezone: 'Asia/Tokyo' })

  const contact = (login: { email: string; password: string }, name: string, clientId: number | string, role = 'billing') =>
    payload.create({ collection: 'contacts', data: { ...login, client: clientId, name, role } })
  await contact(demoLogins.acmeBilling, 'Alice Janssen', acme.id)
  await contact(demoLogins.acmeViewer, 'Victor de Vries', acme.id, 'viewer')
  await contact(demoLogins.globexBilling, 'Bob Smith', globex.id)
  await contact(demoLogins.tanakaBilling, 'Yuki Tanaka', tanaka.id)

  const consulting: Line[] = [
    { description: 'Consulting, senior (hours)', quantity: '12.5', taxRate: '21', unitAmount: 12500 },
    { description: 'Travel expenses', quantity: '1', taxRate: '0', unitAmount: 4835 },
  ]
  const invoice = async (clientId: number | string, status: 'draft' | 'open', issued: number, due: number, lines: Line[], notes?: string) =>
    payload.create({
      collection: 'invoices',
      data: { client: clientId, dueDate: day(due), issueDate: day(issued), lineItems: lines, notes, status },
    })

  await invoice(acme.id, 'draft', 0, 30, [{ description: 'Support retainer (draft)', quantity: '1', taxRate: '21', unitAmount: 90000 }])
  const acmeOpen = await invoice(acme.id, 'open', -5, 25, consulting, 'Thank you for your business.')
  const acmeOverdue = await invoice(acme.id, 'open', -45, -15, [
    { description: 'Website hosting, annual', quantity: '1', taxRate: '21', unitAmount: 24000 },
    { description: 'Domain names', quantity: '3', taxRate: '21', unitAmount: 1499 },
  ])
  const acmePartial = await invoice(acme.id, 'open', -20, 10, [
    { description: 'Workshop day', quantity: '2', taxRate: '21', unitAmount: 150000 },
    { description: 'Course book', quantity: '10', taxRate: '9', unitAmount: 3995 },
  ])
  const acmePaid = await invoice(acme.id, 'open', -60, -30, [{ description: 'Discovery sprint', quantity: '1', taxRate: '21', unitAmount: 480000 }])
  const acmeVoid = await invoice(acme.id, 'open', -40, -10, [{ description: 'Duplicate of discovery sprint', quantity: '1', taxRate: '21', unitAmount: 480000 }])
  const acmeBad = await invoice(acme.id, 'open', -200, -170, [{ description: 'Legacy maintenance', quantity: '6', taxRate: '21', unitAmount: 8000 }])
  const globexOpen = await invoice(globex.id, 'open', -3, 27, [{ description: 'API usage (1,000 calls)', quantity: '1234.5', taxRate: '0', unitAmount: 2 }])
  const globexPaid = await invoice(globex.id, 'open', -30, 0, [{ description: 'Onboarding', quantity: '1', taxRate: '0', unitAmount: 250000 }])
  await invoice(tanaka.id, 'open', -1, 29, [{ description: 'Translation (pages)', quantity: '14', taxRate: '10', unitAmount: 3300 }])

  const pay = (clientId: number | string, inv: { id: number | string; total?: number }, amount: number, currency: string, extra: Record<string, unknown> = {}) =>
    payload.create({
      collection: 'payments',
      data: { allocations: [{ amount, invoice: inv.id }], amount, client: clientId, currency, method: 'bank_transfer', provider: 'manual', status: 'succeeded', ...extra },
    })
  await pay(acme.id, acmePaid, acmePaid.total as number, 'EUR')
  await pay(acme.id, acmePartial, 150000, 'EUR')
  await pay(globex.id, globexPaid, globexPaid.total as number, 'USD', { method: 'card', provider: 'stripe', providerRef: 'pi_demo_globex_paid' })
  await pay(acme.id, acmeOverdue, 10000, 'EUR', { method: 'ideal', provider: 'mollie', providerRef: 'tr_demo_processing', status: 'processing' })
  await pay(globex.id, globexOpen, 500, 'USD', { method: 'card', provider: 'stripe', providerRef: 'pi_demo_failed', status: 'failed' })

  await payload.update({ collection: 'invoices', data: { status: 'void' }, id: acmeVoid.id })
  await payload.update({ collection: 'invoices', data: { status: 'uncollectible' }, id: acmeBad.id })
  await payload.create({
    collection: 'credit-notes',
    data: { amount: 4835, invoice: acmeOpen.id, reason: 'Travel expenses waived', status: 'issued' },
  })

  const document = (title: string, clientId: number | string, visibleToClient: boolean, invoiceId?: number | string) => {
    const data = tinyPdf(title)
    return payload.create({
      collection: 'documents',
      data: { client: clientId, invoice: invoiceId, title, visibleToClient },
      file: { data, mimetype: 'application/pdf', name: `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.pdf`, size: data.length },
    })
  }
  await document('Master services agreement', acme.id, true)
  await document('Timesheet March', acme.id, true, acmeOpen.id)
  await document('Internal margin calculation', acme.id, false)
  await document('Globex purchase order', globex.id, true)
  payload.logger.info('Demo data seeded: staff dev@example.com / dev-password, contact alice@acme.test / alice-password')
}

/**
 * The benchmark's invoice, built directly as a PdfJob (no database): a realistic Dutch EUR invoice of
 * 20 lines, two VAT rates, a client whose name needs Latin Extended (Ĳ, ö), the bundled DejaVu Sans.
 * The same data feeds the HTML twin for Chromium (html.ts) and the invoices seeded for the portal and
 * ZIP parts (seed.ts), so every engine and path draws the same document.
 */
import type { InvoicePdf, PdfBrand, PdfJob, PdfLine } from '../../src/pdf/model.js'

export const LINE_COUNT = 20

export const brand: PdfBrand = {
  accentColor: '#334155',
  companyDetails: ['Keizersgracht 123', '1015 CJ Amsterdam', 'KvK 12345678 · BTW NL001234567B01', 'IBAN NL91 ABNA 0417 1643 00'],
  font: 'DejaVuSans',
  legalFooter: 'Demo Billing BV · Keizersgracht 123, 1015 CJ Amsterdam · KvK 12345678 · BTW NL001234567B01 · Op al onze leveringen zijn onze algemene voorwaarden van toepassing.',
  logo: null,
  name: 'Demo Billing BV',
  primaryColor: '#1d4ed8',
}

export const client = {
  email: 'crediteuren@ijzerhandel-ozturk.nl',
  lines: ['Industrieweg 42', '3542 AD Utrecht', 'NL'],
  name: 'Ĳzerhandel Öztürk B.V.',
  taxId: 'NL857412369B01',
}

const descriptions = [
  'Consultancy, oktober (uren)',
  'Ondersteuning — maandabonnement',
  'Hosting, productieomgeving',
  'Licenties, gebruikers',
  'Workshop op locatie (dag)',
  'Reiskosten Utrecht–Amsterdam',
  'Ontwerpwerk (uren)',
  'API-gebruik (per 1.000 calls)',
  'Trainingsmateriaal',
  'Projectmanagement',
]
const quantities = ['1', '2', '12.5', '0.5', '3', '40', '1.25', '7.75']
const rates = ['21', '21', '9', '21', '0']

/** Twenty deterministic lines: unit amounts in cents, amounts rounded half up as the plugin's hook does. */
export const lineInputs = Array.from({ length: LINE_COUNT }, (_, index) => ({
  description: `${descriptions[index % descriptions.length]}${index >= descriptions.length ? ' (vervolg)' : ''}`,
  quantity: quantities[index % quantities.length],
  taxRate: rates[index % rates.length],
  unitAmount: 2_500 + ((index * 7_919) % 145_000),
}))

function content(number: string): InvoicePdf {
  const lines: PdfLine[] = lineInputs.map((line) => ({ ...line, amount: Math.round(Number(line.quantity) * line.unitAmount) }))
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0)
  const byRate = new Map<string, number>()
  for (const line of lines) byRate.set(line.taxRate, (byRate.get(line.taxRate) ?? 0) + line.amount)
  const taxBreakdown = [...byRate].map(([rate, base]) => ({ base, rate, tax: Math.round((base * Number(rate)) / 100) }))
  const taxTotal = taxBreakdown.reduce((sum, row) => sum + row.tax, 0)
  const total = subtotal + taxTotal
  return {
    amountCredited: 0,
    amountDue: total,
    amountPaid: 0,
    client,
    currency: 'EUR',
    dueDate: '2026-12-01T12:00:00.000Z',
    issueDate: '2026-11-01T12:00:00.000Z',
    kind: 'invoice',
    lines,
    notes: 'Vragen over deze factuur? Mail facturen@demobilling.nl en vermeld het factuurnummer.',
    number,
    paymentTerms: '30 dagen',
    status: 'open',
    subtotal,
    taxBreakdown,
    taxTotal,
    total,
  }
}

/** A new invoice number per render, as a server renders different invoices (and so nothing can be reused by accident). */
export function invoiceJob(sequence: number, logo: null | string = null): PdfJob {
  return { brand: { ...brand, logo }, content: content(`INV-2026-${String(sequence).padStart(5, '0')}`), locale: 'nl' }
}

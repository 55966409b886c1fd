import './patch.js'
import { renderPdf } from '../../src/pdf/render.js'
const lines = (n: number) => Array.from({ length: n }, (_, i) => ({ amount: 12345 * (i + 1), description: `Consulting work item ${i + 1} — Ĳsselmeer ł ő`, quantity: '1.5', taxRate: i % 3 ? '21' : '9', unitAmount: 8230 }))
const job = (n: number, number = 'INV-2026-0001') => ({ brand: { accentColor: '#334155', companyDetails: ['Keizersgracht 1', '1015 CJ Amsterdam', 'IBAN NL91 ABNA 0417 1643 00'], font: 'DejaVuSans', legalFooter: 'Demo BV · KvK 12345678 · BTW NL001234567B01', logo: null, name: 'Demo Billing', primaryColor: '#1d4ed8' }, locale: 'nl', content: { kind: 'invoice', amountCredited: 0, amountDue: 100000, amountPaid: 5000, client: { name: 'Ĳzerhandel Öztürk B.V.', lines: ['Main street 1', '1000 AA Amsterdam', 'NL'], taxId: 'NL123', email: 'a@b.nl' }, currency: 'EUR', dueDate: '2026-12-01T12:00:00.000Z', issueDate: '2026-11-01T12:00:00.000Z', lines: lines(n), notes: 'Thanks', number, paymentTerms: '30 days', status: 'open', subtotal: 1000, taxBreakdown: [{ base: 1000, rate: '21', tax: 210 }, { base: 500, rate: '9', tax: 45 }], taxTotal: 255, total: 105000 } }) as any
async function main() {
  for (let i = 0; i < 300; i++) { await renderPdf(job(20, 'INV-' + i)); await new Promise((r) => setImmediate(r)) }
}
main()

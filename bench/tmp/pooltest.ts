import { PdfPool } from '../../src/pdf/pool.js'
import { readFileSync } from 'node:fs'
async function main() {
  const pool = new PdfPool({ size: 2 })
  const src = readFileSync('bench/tmp/probe.tsx', 'utf8')
  const job = { brand: { accentColor: '#334155', companyDetails: ['X'], font: 'DejaVuSans', legalFooter: 'L', logo: null, name: 'Demo', primaryColor: '#1d4ed8' }, locale: 'en', content: { kind: 'invoice', amountCredited: 0, amountDue: 100, amountPaid: 0, client: { name: 'Ĳ Co', lines: [] }, currency: 'EUR', dueDate: null, issueDate: null, lines: Array.from({ length: 20 }, (_, i) => ({ amount: 100, description: 'Line ' + i, quantity: '1', taxRate: '21', unitAmount: 100 })), notes: '', number: 'INV-1', paymentTerms: '', status: 'open', subtotal: 100, taxBreakdown: [], taxTotal: 0, total: 100 } } as any
  const t0 = performance.now(); const first = await pool.render(job); console.log('first', Math.round(performance.now() - t0), first.subarray(0, 5).toString())
  const t1 = performance.now(); await Promise.all(Array.from({ length: 200 }, () => pool.render(job))); const s = (performance.now() - t1) / 1000
  console.log('throughput', (200 / s).toFixed(1), '/s', pool.info(), Math.round(process.memoryUsage().rss / 1e6), 'MB')
  void src
}
main()

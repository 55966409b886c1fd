/**
 * The HTML twin of the react-pdf invoice (src/pdf/templates), for the Chromium baselines: the same
 * texts from the same formatters and translations, the same A4 geometry in points (padding 36/40/64,
 * 9 pt text, brand header, bill-to and facts, a 20-row table with a coloured header, totals, pay-by
 * line, notes and a fixed footer), and DejaVu Sans loaded with @font-face from the repo's
 * assets/fonts, so Chromium embeds a subset of the same font file react-pdf embeds.
 */
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

import type { InvoicePdf, PdfJob } from '../../src/pdf/model.js'

import { day, money, percent, quantity } from '../../src/portal/format.js'
import { translator } from '../../src/portal/i18n.js'

const fontsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../assets/fonts')
export const fontUrls = {
  bold: pathToFileURL(path.join(fontsDir, 'DejaVuSans-Bold.ttf')).href,
  regular: pathToFileURL(path.join(fontsDir, 'DejaVuSans.ttf')).href,
}

const escape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export function invoiceHtml(job: PdfJob): string {
  const content = job.content as InvoicePdf
  const { brand, locale } = job
  const t = translator(locale)
  const amount = (value: number) => money(value, content.currency, locale)
  const facts: Array<[string, string]> = [
    [t('pdf.number'), content.number],
    [t('invoice.issueDate'), day(content.issueDate, locale)],
    [t('invoice.dueDate'), day(content.dueDate, locale)],
  ]
  if (content.paymentTerms) facts.push([t('pdf.terms'), content.paymentTerms])
  const totals: Array<[string, string]> = [
    [t('invoice.subtotal'), amount(content.subtotal)],
    ...content.taxBreakdown.map((row): [string, string] => [t('pdf.taxLine', { base: amount(row.base), rate: percent(row.rate, locale) }), amount(row.tax)]),
    [t('invoice.total'), amount(content.total)],
  ]
  if (content.amountPaid) totals.push([t('invoice.paid'), amount(-content.amountPaid)])
  totals.push([t('invoice.amountDue'), amount(content.amountDue)])
  const title = `${t('pdf.invoice')} ${content.number}`
  const rows = content.lines
    .map(
      (line) =>
        `<tr><td>${escape(line.description)}</td><td class="r">${escape(quantity(line.quantity, locale))}</td><td class="r">${escape(amount(line.unitAmount))}</td>` +
        `<td class="r">${escape(percent(line.taxRate, locale))}</td><td class="r">${escape(amount(line.amount))}</td></tr>`,
    )
    .join('')
  const client = content.client
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
@font-face { font-family: 'BenchDejaVuSans'; src: url('${fontUrls.regular}') format('truetype'); font-weight: normal; }
@font-face { font-family: 'BenchDejaVuSans'; src: url('${fontUrls.bold}') format('truetype'); font-weight: bold; }
@page { size: A4; margin: 0; }
* { box-sizing: border-box; }
html, body { margin: 0; }
body { font-family: 'BenchDejaVuSans'; font-size: 9pt; line-height: 1.2; padding: 36pt 40pt 64pt; }
.header { display: flex; justify-content: space-between; margin-bottom: 24pt; }
.brand { max-width: 260pt; }
.brand-name { font-size: 14pt; font-weight: bold; color: ${brand.primaryColor}; }
.muted { color: #555; }
h1 { font-size: 18pt; font-weight: bold; margin: 0 0 4pt; text-align: right; color: ${brand.primaryColor}; }
.parties { display: flex; justify-content: space-between; margin-bottom: 20pt; }
.bill-to { max-width: 250pt; }
.facts { min-width: 200pt; }
.fact { display: flex; margin-bottom: 2pt; }
.fact span:first-child { color: #555; width: 90pt; }
.fact span:last-child, .strong { font-weight: bold; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
thead th { background: ${brand.primaryColor}; color: #fff; font-weight: bold; text-align: left; }
th, td { padding: 3pt 4pt; }
tbody tr { border-bottom: 0.5pt solid #e5e5e5; break-inside: avoid; }
.r, thead th.r { text-align: right; }
.totals { margin: 10pt 0 0 auto; width: 260pt; break-inside: avoid; }
.total-row { display: flex; padding: 2pt 0; }
.total-row span:first-child { flex-grow: 1; }
.total-row.last { font-weight: bold; border-top: 0.8pt solid #333; margin-top: 2pt; padding-top: 4pt; }
.footer { position: fixed; bottom: 24pt; left: 40pt; right: 40pt; border-top: 0.5pt solid #ccc; color: #555; font-size: 7.5pt; padding: 6pt 90pt 0 0; }
</style></head>
<body>
<div class="header">
  <div class="brand">${brand.logo ? `<img src="${brand.logo}" style="height:40pt;width:120pt;object-fit:contain;margin-bottom:6pt" alt="">` : ''}
    <div class="brand-name">${escape(brand.name)}</div>
    ${brand.companyDetails.map((line) => `<div class="muted">${escape(line)}</div>`).join('')}
  </div>
  <div><h1>${escape(title)}</h1></div>
</div>
<div class="parties">
  <div class="bill-to">
    <div class="muted" style="margin-bottom:2pt">${escape(t('pdf.billTo'))}</div>
    <div class="strong">${escape(client.name)}</div>
    ${client.lines.map((line) => `<div>${escape(line)}</div>`).join('')}
    ${client.taxId ? `<div>${escape(t('pdf.taxId'))}: ${escape(client.taxId)}</div>` : ''}
    ${client.email ? `<div class="muted">${escape(client.email)}</div>` : ''}
  </div>
  <div class="facts">${facts.map(([label, value]) => `<div class="fact"><span>${escape(label)}</span><span>${escape(value)}</span></div>`).join('')}</div>
</div>
<table>
  <colgroup><col style="width:46%"><col style="width:10%"><col style="width:16%"><col style="width:10%"><col style="width:18%"></colgroup>
  <thead><tr><th>${escape(t('invoice.description'))}</th><th class="r">${escape(t('invoice.quantity'))}</th><th class="r">${escape(t('invoice.unitPrice'))}</th><th class="r">${escape(t('invoice.rate'))}</th><th class="r">${escape(t('invoice.lineTotal'))}</th></tr></thead>
  <tbody>${rows}</tbody>
</table>
<div class="totals">${totals.map(([label, value], index) => `<div class="total-row${index === totals.length - 1 ? ' last' : ''}"><span>${escape(label)}</span><span>${escape(value)}</span></div>`).join('')}</div>
${content.amountDue > 0 && content.dueDate ? `<p style="margin:16pt 0 0">${escape(t('pdf.payBy', { amount: amount(content.amountDue), date: day(content.dueDate, locale), number: content.number }))}</p>` : ''}
${content.notes ? `<p class="muted" style="margin:12pt 0 0">${escape(content.notes)}</p>` : ''}
<div class="footer">${escape(brand.legalFooter)}</div>
</body></html>
`
}

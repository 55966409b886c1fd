/**
 * What a PDF shows, as plain data. Loaders build it from the database on the request side; the
 * templates render it in a worker. Being plain JSON it crosses the thread boundary, and its hash is
 * the PDF's cache key: the same data always gives the same PDF.
 */
import type { PortalLocale } from '../portal/i18n.js'

/**
 * Bump when a template's output changes (templates/, fonts, render.ts), so cached PDFs of unchanged
 * documents are rendered anew. It is part of every cache key (cache.ts).
 */
export const TEMPLATE_VERSION = '1'

export type PdfBrand = {
  accentColor: string
  /** Company address, tax and bank details, one item a line. */
  companyDetails: string[]
  font: PdfFont
  legalFooter: string
  /** A data URI (PNG or JPEG), fetched on the request side so a render never waits on the network. */
  logo: null | string
  name: string
  primaryColor: string
}

export const pdfFonts = ['DejaVuSans', 'DejaVuSerif'] as const
export type PdfFont = (typeof pdfFonts)[number]

export type PdfParty = { email?: string; lines: string[]; name: string; taxId?: string }

export type PdfLine = { amount: number; description: string; quantity: string; taxRate: string; unitAmount: number }

export type InvoicePdf = {
  amountCredited: number
  amountDue: number
  amountPaid: number
  client: PdfParty
  currency: string
  dueDate: null | string
  issueDate: null | string
  kind: 'invoice'
  lines: PdfLine[]
  notes: string
  number: string
  paymentTerms: string
  status: string
  subtotal: number
  taxBreakdown: Array<{ base: number; rate: string; tax: number }>
  taxTotal: number
  total: number
}

export type CreditNotePdf = {
  amount: number
  client: PdfParty
  currency: string
  invoiceNumber: string
  issuedAt: null | string
  kind: 'credit-note'
  lines: PdfLine[]
  number: string
  reason: string
  status: string
}

export type ReceiptPdf = {
  allocations: Array<{ amount: number; number: string }>
  amount: number
  amountRefunded: number
  client: PdfParty
  currency: string
  kind: 'receipt'
  method: string
  paidAt: null | string
  provider: string
  reference: string
  status: string
}

export type StatementRow = {
  credit: number
  date: string
  debit: number
  /** Running balance after this row. */
  balance: number
  kind: 'credit-note' | 'invoice' | 'payment'
  reference: string
}

export type AgeingBuckets = { '0-30': number; '31-60': number; '61-90': number; '90+': number }

export type StatementPdf = {
  ageing: AgeingBuckets
  client: PdfParty
  closingBalance: number
  currency: string
  from: string
  kind: 'statement'
  openingBalance: number
  rows: StatementRow[]
  to: string
  totals: { credits: number; invoices: number; payments: number }
}

export type PdfContent = CreditNotePdf | InvoicePdf | ReceiptPdf | StatementPdf

/** Everything a render needs: the document, the brand it carries and the language it speaks. */
export type PdfJob = { brand: PdfBrand; content: PdfContent; locale: PortalLocale }

export type PdfKind = PdfContent['kind']

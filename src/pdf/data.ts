import type { TypedUser } from 'payload'

import type { Portal } from '../portal/context.js'
import type { CreditNotePdf, InvoicePdf, PdfBrand, PdfJob, PdfLine, PdfParty, ReceiptPdf, StatementPdf } from './model.js'

import { relationId } from '../access/index.js'
import { type AllocatedPayment, SETTLED_PAYMENT_STATUSES, settledAllocations } from '../money/balance.js'
import { toPortalLocale } from '../portal/i18n.js'
import { brandingOf, loadSettings, type PortalSettings } from '../portal/settings.js'
import { calendarDay, receiptPaymentStatuses } from '../status/machines.js'
import { loadLogo } from './logo.js'
import { pdfFonts } from './model.js'
import { buildStatement } from './statement.js'

/**
 * Who asks: a contact sees only its own client's documents, staff see all; the access rules decide.
 * `system` is the plugin's own code (e-mail attachments, jobs) acting on a document it already holds.
 */
export type PdfViewer = 'system' | TypedUser

/** Local API options that read as `viewer` may. */
export const rightsOf = (viewer: PdfViewer) => (viewer === 'system' ? { overrideAccess: true } : { overrideAccess: false, user: viewer })

type Doc = Record<string, unknown>
type Client = Doc & { address?: Record<string, null | string>; billingEmail?: null | string; locale?: string; name: string; portalEnabled?: boolean; taxId?: null | string; timezone?: string }

const text = (value: unknown) => (typeof value === 'string' ? value : '')
const HEX = /^#[0-9a-f]{6}$|^#[0-9a-f]{3}$/i

export async function pdfBrand(portal: Portal, settings: PortalSettings): Promise<PdfBrand> {
  const branding = brandingOf(portal, settings)
  const stored = (settings.branding ?? {}) as Record<string, null | string | undefined>
  const details = stored.companyDetails || portal.options.portal.branding.companyDetails || ''
  const font = pdfFonts.find((name) => name === stored.pdfFont) ?? 'DejaVuSans'
  return {
    accentColor: HEX.test(stored.accentColor ?? '') ? stored.accentColor! : '#334155',
    companyDetails: details.split(/\r?\n/).map((line) => line.trim()).filter(Boolean),
    font,
    legalFooter: branding.legalFooter ?? '',
    logo: await loadLogo(portal, branding.logo),
    name: branding.name,
    primaryColor: branding.primaryColor,
  }
}

function party(client: Client): PdfParty {
  const address = client.address ?? {}
  const cityLine = [address.postalCode, address.city].filter(Boolean).join(' ')
  return {
    email: client.billingEmail ?? undefined,
    lines: [address.line1, address.line2, cityLine, address.region, address.country].filter((line): line is string => Boolean(line)),
    name: client.name,
    taxId: client.taxId ?? undefined,
  }
}

const lines = (doc: Doc): PdfLine[] =>
  ((doc.lineItems as Doc[] | undefined) ?? []).map((line) => ({
    amount: Number(line.amount ?? 0),
    description: text(line.description),
    quantity: text(line.quantity) || '1',
    taxRate: text(line.taxRate) || '0',
    unitAmount: Number(line.unitAmount ?? 0),
  }))

async function findVisible(portal: Portal, collection: string, id: number | string, user: PdfViewer): Promise<Doc | null> {
  return (await portal.payload
    .findByID({ collection, depth: 0, disableErrors: true, id, ...rightsOf(user) })
    .catch(() => null)) as Doc | null
}

/** The client by id, read with the system's rights: the document that names it was already access-checked. */
async function clientOf(portal: Portal, id: unknown): Promise<Client> {
  return (await portal.payload.findByID({ collection: portal.options.slugs.clients, depth: 0, id: relationId(id)! })) as unknown as Client
}

const brandOf = (portal: Portal) => loadSettings(portal).then((settings) => pdfBrand(portal, settings))

/**
 * The document as `user` may see it and the brand, read side by side: the brand depends on neither.
 * Null when there is no such document for them.
 */
async function visibleWithBrand(portal: Portal, collection: string, id: number | string, user: PdfViewer): Promise<null | { brand: PdfBrand; doc: Doc }> {
  const [doc, brand] = await Promise.all([findVisible(portal, collection, id, user), brandOf(portal)])
  return doc && { brand, doc }
}

const frame = (brand: PdfBrand, client: Client, content: PdfJob['content']): PdfJob => ({ brand, content, locale: toPortalLocale(client.locale) })

export type LoadedPdf = { client: Client; filename: string; job: PdfJob; subject: { id: number | string; kind: string } }

const safeName = (name: string) => name.replace(/[^\w.-]+/g, '_')

/** The calendar day of a moment (payment, issue) where the client is, as the statement counts it. */
const clientDay = (client: Client, moment: unknown) => (text(moment) ? calendarDay(new Date(text(moment)), client.timezone || 'UTC') : null)

export async function invoicePdfJob(portal: Portal, id: number | string, user: PdfViewer): Promise<LoadedPdf | null> {
  const found = await visibleWithBrand(portal, portal.options.slugs.invoices, id, user)
  if (!found) return null
  const { brand, doc: invoice } = found
  const client = await clientOf(portal, invoice.client)
  const number = text(invoice.number) || `draft-${invoice.id}`
  const content: InvoicePdf = {
    amountCredited: Number(invoice.amountCredited ?? 0),
    amountDue: Number(invoice.amountDue ?? 0),
    amountPaid: Number(invoice.amountPaid ?? 0),
    client: party(client),
    currency: text(invoice.currency),
    dueDate: text(invoice.dueDate) || null,
    issueDate: text(invoice.issueDate) || null,
    kind: 'invoice',
    lines: lines(invoice),
    notes: text(invoice.notes),
    number,
    paymentTerms: text(invoice.paymentTerms),
    status: text(invoice.status),
    subtotal: Number(invoice.subtotal ?? 0),
    taxBreakdown: ((invoice.taxBreakdown as Doc[] | undefined) ?? []).map((row) => ({ base: Number(row.base), rate: text(row.rate), tax: Number(row.tax) })),
    taxTotal: Number(invoice.taxTotal ?? 0),
    total: Number(invoice.total ?? 0),
  }
  return { client, filename: `${safeName(number)}.pdf`, job: frame(brand, client, content), subject: { id: invoice.id as number | string, kind: 'invoice' } }
}

export async function creditNotePdfJob(portal: Portal, id: number | string, user: PdfViewer): Promise<LoadedPdf | null> {
  const found = await visibleWithBrand(portal, portal.options.slugs.creditNotes, id, user)
  if (!found) return null
  const { brand, doc: note } = found
  const [client, invoice] = await Promise.all([
    clientOf(portal, note.client),
    portal.payload.findByID({ collection: portal.options.slugs.invoices, depth: 0, id: relationId(note.invoice)!, select: { number: true } }),
  ])
  const number = text(note.number) || `draft-credit-${note.id}`
  const content: CreditNotePdf = {
    amount: Number(note.amount ?? 0),
    client: party(client),
    currency: text(note.currency),
    invoiceNumber: text(invoice.number),
    issuedAt: clientDay(client, note.issuedAt),
    kind: 'credit-note',
    lines: lines(note),
    number,
    reason: text(note.reason),
    status: text(note.status),
  }
  return { client, filename: `${safeName(number)}.pdf`, job: frame(brand, client, content), subject: { id: note.id as number | string, kind: 'credit-note' } }
}

export async function receiptPdfJob(portal: Portal, id: number | string, user: PdfViewer): Promise<LoadedPdf | null> {
  const found = await visibleWithBrand(portal, portal.options.slugs.payments, id, user)
  if (!found || !(receiptPaymentStatuses as readonly string[]).includes(text(found.doc.status))) return null
  const { brand, doc: payment } = found
  const allocations = (payment.allocations as Array<{ amount: number; invoice: unknown }> | undefined) ?? []
  const [client, invoices] = await Promise.all([
    clientOf(portal, payment.client),
    portal.payload.find({
      collection: portal.options.slugs.invoices,
      depth: 0,
      pagination: false,
      select: { number: true },
      where: { id: { in: allocations.map((allocation) => relationId(allocation.invoice)) } },
    }),
  ])
  const numbers = new Map(invoices.docs.map((invoice) => [String(invoice.id), text((invoice as Doc).number)]))
  const reference = `P-${payment.id}`
  const content: ReceiptPdf = {
    allocations: allocations.map((allocation) => ({ amount: allocation.amount, number: numbers.get(String(relationId(allocation.invoice))) ?? '' })),
    amount: Number(payment.amount ?? 0),
    amountRefunded: Number(payment.amountRefunded ?? 0),
    client: party(client),
    currency: text(payment.currency),
    kind: 'receipt',
    method: text(payment.method).replace(/_/g, ' ') || text(payment.provider),
    paidAt: clientDay(client, payment.paidAt ?? payment.createdAt),
    provider: text(payment.provider),
    reference,
    status: text(payment.status),
  }
  return { client, filename: `receipt-${reference}.pdf`, job: frame(brand, client, content), subject: { id: payment.id as number | string, kind: 'receipt' } }
}

export type StatementRequest = { client: number | string; currency?: string; from: string; to: string }

/**
 * Everything of one client in one currency up to `to`, read as the viewer may see it (a contact never
 * sees drafts, so they never count). Void invoices and credit notes count nowhere.
 */
export async function statementPdfJob(portal: Portal, request: StatementRequest, user: PdfViewer): Promise<LoadedPdf | null> {
  const { payload } = portal
  const { slugs } = portal.options
  const client = (await payload
    .findByID({ collection: slugs.clients, depth: 0, disableErrors: true, id: request.client, ...rightsOf(user) })
    .catch(() => null)) as Client | null
  if (!client) return null
  const currency = request.currency || text(client.currency) || portal.options.currency
  const day = (value: unknown) => clientDay(client, value)!
  const common = { depth: 0, pagination: false, ...rightsOf(user) } as const
  const [brand, invoices, payments, creditNotes] = await Promise.all([
    brandOf(portal),
    payload.find({
      ...common,
      collection: slugs.invoices,
      select: { dueDate: true, issueDate: true, number: true, total: true },
      where: { client: { equals: client.id }, currency: { equals: currency }, status: { not_in: ['draft', 'void'] } },
    }),
    payload.find({
      ...common,
      collection: slugs.payments,
      where: { client: { equals: client.id }, currency: { equals: currency }, status: { in: [...SETTLED_PAYMENT_STATUSES] } },
    }),
    payload.find({
      ...common,
      collection: slugs.creditNotes,
      select: { amount: true, createdAt: true, invoice: true, issuedAt: true, number: true },
      where: { client: { equals: client.id }, currency: { equals: currency }, status: { equals: 'issued' } },
    }),
  ])
  const statement = buildStatement({
    creditNotes: creditNotes.docs.map((note) => ({ amount: Number(note.amount), date: day(note.issuedAt ?? note.createdAt), invoice: String(relationId(note.invoice)), reference: text(note.number) })),
    from: request.from,
    invoices: invoices.docs.map((invoice) => ({
      date: text(invoice.issueDate).slice(0, 10),
      dueDate: text(invoice.dueDate).slice(0, 10) || null,
      id: String(invoice.id),
      reference: text(invoice.number),
      total: Number(invoice.total),
    })),
    payments: payments.docs.map((payment) => ({
      allocations: settledAllocations(payment as unknown as AllocatedPayment).map((allocation) => ({ amount: allocation.amount, invoice: String(relationId(allocation.invoice)) })),
      date: day(payment.paidAt ?? payment.createdAt),
      reference: `P-${payment.id}`,
    })),
    to: request.to,
  })
  const content: StatementPdf = { ...statement, client: party(client), currency, from: request.from, kind: 'statement', to: request.to }
  return {
    client,
    filename: `statement-${request.from}-${request.to}-${currency}.pdf`,
    job: frame(brand, client, content),
    subject: { id: client.id as number | string, kind: `statement-${currency}-${request.from}-${request.to}` },
  }
}

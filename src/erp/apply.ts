import type { PayloadRequest, Where } from 'payload'

import { randomBytes } from 'node:crypto'

import type { Portal } from '../portal/context.js'
import type { ErpEvent } from './schema.js'

import { relationId } from '../access/index.js'
import { lockName } from '../db/postgres.js'
import { inTransaction } from '../db/transaction.js'
import { queueInvoiceIssued } from '../notifications/invoiceIssued.js'
import { payableInvoiceStatuses } from '../status/machines.js'
import { parseErpEvent } from './schema.js'

/** The source of invoices the ERP pushes; `source` + `externalId` is unique among invoices. */
export const ERP_SOURCE = 'erp'

export type ErpResult = {
  collection: string
  id: null | number | string
  /** `stale`: the stored version is the same or newer, so nothing changed. */
  outcome: 'created' | 'stale' | 'unchanged' | 'updated'
}

type Doc = Record<string, unknown> & { externalVersion?: null | number; id: number | string }
type Json = Record<string, unknown>
type ClientReference = { currency?: string; email?: string; externalId: string; locale?: string; name?: string; timezone?: string }

/**
 * Applies one verified ERP event to the collections, in one transaction. Work about one external
 * record is serialised by a lock on its external id, taken before it is looked up (it may not exist
 * yet), so concurrent pushes can't create it twice; a version that is not newer than the stored one
 * changes nothing. Anything the collections' rules refuse (an issued invoice's lines, a paid invoice
 * voided) throws, with the rule's message, and writes nothing.
 */
export async function applyErpEvent(portal: Portal, body: unknown): Promise<ErpResult> {
  const parsed = parseErpEvent(typeof body === 'string' ? JSON.parse(body) : body)
  if (!parsed.ok) throw new Error(`The stored ERP event is not valid: ${parsed.problems.join('; ')}`)
  const { event } = parsed
  return inTransaction(portal.payload, (req) => appliers[event.type](new ErpWriter(portal, req), event.data))
}

const appliers: Record<ErpEvent['type'], (writer: ErpWriter, data: Json) => Promise<ErpResult>> = {
  'client.upserted': (writer, data) => writer.upsertClient(data),
  'contact.upserted': (writer, data) => writer.upsertContact(data),
  'credit_note.upserted': (writer, data) => writer.upsertCreditNote(data),
  'invoice.upserted': (writer, data) => writer.upsertInvoice(data),
  'invoice.voided': (writer, data) => writer.voidInvoice(data),
  'payment.recorded': (writer, data) => writer.recordPayment(data),
}

/**
 * The status an ERP push asks for, as the invoice rules allow it. Money decides between open, partially
 * paid and paid (an ERP "paid" becomes a payment); an issued invoice never returns to draft; a draft
 * was never issued, so voiding it leaves it a draft, hidden from contacts; a new invoice that arrives
 * void is issued and voided, so an older push arriving later can't bring it back.
 */
export function invoiceStatusFor(current: string | undefined, wanted: string): string {
  if (current === undefined) return wanted === 'draft' ? 'draft' : 'open'
  if (current === 'draft') return wanted === 'draft' || wanted === 'void' ? 'draft' : 'open'
  return wanted === 'void' ? 'void' : current
}

/** The lock that serialises work about one external record (`lockName`). */
export const erpLockName = (kind: string, externalId: string) => `invoice-portal:erp:${kind}:${externalId}`

const missing = (externalId: string) =>
  // Thrown, so the job retries: the invoice's own push may simply not have arrived yet.
  new Error(`No invoice with externalId "${externalId}" has been pushed yet.`)

export const isNewer = (existing: Pick<Doc, 'externalVersion'> | null, version: unknown) => !existing || (existing.externalVersion ?? -1) < (version as number)

/** The invoice a push describes, as it is written: the client's reference resolved, the status as the rules allow. */
export function pushedInvoice(data: Json, clientId: number | string, status: string): Json {
  const invoice: Json = {}
  for (const key in data) if (key !== 'version') invoice[key] = data[key]
  return Object.assign(invoice, { client: clientId, externalVersion: data.version, source: ERP_SOURCE, status })
}

/**
 * Whether a push issued the invoice, so the client hears of it: once, as `sentAt` guards a push that
 * comes again; not when it arrives paid (the receipt says it) or was already issued before.
 */
export function announces(existing: Doc | null, wanted: unknown, invoice: Json): boolean {
  const wasIssued = existing !== null && existing.status !== 'draft'
  return !wasIssued && wanted !== 'paid' && !['draft', 'void'].includes(invoice.status as string) && !invoice.sentAt
}

class ErpWriter {
  constructor(
    private readonly portal: Portal,
    private readonly req: PayloadRequest,
  ) {}

  private get slugs() {
    return this.portal.options.slugs
  }

  /**
   * Only the fields this module reads back from a lookup: Payload otherwise reads every line and
   * relation of the document. Writes return whole documents: their afterChange hooks (settlement,
   * audit, outbound events) read the document Payload hands them, which `select` would cut short.
   */
  private selectFor(collection: string): Record<string, true> {
    const fields: Record<string, string[]> = {
      [this.slugs.clients]: ['externalVersion'],
      [this.slugs.contacts]: ['client', 'externalId', 'externalVersion'],
      [this.slugs.creditNotes]: ['externalVersion', 'status'],
      [this.slugs.invoices]: ['amountDue', 'client', 'currency', 'externalId', 'externalVersion', 'sentAt', 'status'],
      [this.slugs.payments]: ['allocations', 'amount', 'currency'],
    }
    return Object.fromEntries((fields[collection] ?? []).map((name) => [name, true]))
  }

  private async findOne(collection: string, where: Where): Promise<Doc | null> {
    const { docs } = await this.portal.payload.find({ collection, depth: 0, limit: 1, overrideAccess: true, pagination: false, req: this.req, select: this.selectFor(collection), where })
    return (docs[0] as Doc | undefined) ?? null
  }

  private async write(collection: string, existing: Doc | null, data: Json): Promise<Doc> {
    const common = { collection, data, depth: 0, overrideAccess: true, req: this.req }
    return (existing ? await this.portal.payload.update({ ...common, id: existing.id }) : await this.portal.payload.create(common)) as Doc
  }

  /** Looks an external record up under its lock, held until the transaction ends. */
  private async locked(kind: string, collection: string, externalId: string, where: Where = { externalId: { equals: externalId } }) {
    await lockName(this.req, erpLockName(kind, externalId))
    return this.findOne(collection, where)
  }

  private invoiceWhere(externalId: string): Where {
    return { and: [{ source: { equals: ERP_SOURCE } }, { externalId: { equals: externalId } }] }
  }

  /** The client an event names, created from the details it carries when the portal has none yet. */
  private async client(reference: ClientReference): Promise<Doc> {
    const existing = await this.locked('client', this.slugs.clients, reference.externalId)
    if (existing) return existing
    return this.write(this.slugs.clients, null, {
      billingEmail: reference.email,
      currency: reference.currency,
      externalId: reference.externalId,
      externalVersion: 0,
      locale: reference.locale,
      name: reference.name ?? reference.externalId,
      timezone: reference.timezone,
    })
  }

  private async invoice(externalId: string): Promise<Doc> {
    const invoice = await this.findOne(this.slugs.invoices, this.invoiceWhere(externalId))
    if (!invoice) throw missing(externalId)
    return invoice
  }

  async upsertClient(data: Json): Promise<ErpResult> {
    const collection = this.slugs.clients
    const existing = await this.locked('client', collection, data.externalId as string)
    if (!isNewer(existing, data.version)) return { collection, id: existing!.id, outcome: 'stale' }
    const { email, version, ...fields } = data
    const client = await this.write(collection, existing, { ...fields, billingEmail: email, externalVersion: version })
    return { collection, id: client.id, outcome: existing ? 'updated' : 'created' }
  }

  async upsertContact(data: Json): Promise<ErpResult> {
    const collection = this.slugs.contacts
    const externalId = data.externalId as string
    const known = await this.locked('contact', collection, externalId)
    if (known && !isNewer(known, data.version)) return { collection, id: known.id, outcome: 'stale' }
    const client = await this.client(data.client as ClientReference)
    // A contact staff created for this client before the ERP knew it is adopted by its e-mail address.
    // One of another client is not: moving it would show it that client's invoices.
    const sameEmail = known ? null : await this.findOne(collection, { email: { equals: data.email } })
    if (sameEmail && (sameEmail.externalId || String(relationId(sameEmail.client)) !== String(client.id))) {
      throw new Error(`The e-mail address ${String(data.email)} belongs to another contact${sameEmail.externalId ? ` (externalId "${String(sameEmail.externalId)}")` : ' of another client'}; a contact's address must be unique.`)
    }
    const existing = known ?? sameEmail
    const { client: _reference, version, ...fields } = data
    const contact = await this.write(collection, existing, {
      ...fields,
      client: client.id,
      externalVersion: version,
      // Pushed contacts sign in with a magic link or set a password through "forgot password".
      ...(existing ? {} : { password: randomBytes(32).toString('base64url') }),
    })
    return { collection, id: contact.id, outcome: existing ? 'updated' : 'created' }
  }

  async upsertInvoice(data: Json): Promise<ErpResult> {
    const collection = this.slugs.invoices
    const externalId = data.externalId as string
    const existing = await this.locked('invoice', collection, externalId, this.invoiceWhere(externalId))
    if (!isNewer(existing, data.version)) return { collection, id: existing!.id, outcome: 'stale' }
    const client = await this.client(data.client as ClientReference)
    const wanted = data.status as string
    // An issued invoice's lines and amounts are kept by the invoice rules: sent unchanged they pass,
    // changed they are refused with the rule's message ("issue a credit note").
    let invoice = await this.write(collection, existing, pushedInvoice(data, client.id, invoiceStatusFor(existing?.status as string | undefined, wanted)))
    if (wanted === 'void' && !existing) invoice = await this.write(collection, invoice, { status: 'void' })
    if (wanted === 'paid') await this.settleInFull(invoice)
    if (announces(existing, wanted, invoice)) await queueInvoiceIssued(this.portal, this.req, invoice.id, invoice.client)
    return { collection, id: invoice.id, outcome: existing ? 'updated' : 'created' }
  }

  /** The ERP says the invoice is paid: what is still due arrives as one payment, recorded once. */
  private async settleInFull(invoice: Doc): Promise<void> {
    if (!payableInvoiceStatuses.includes(invoice.status as never) || !((invoice.amountDue as number) > 0)) return
    const providerRef = `invoice:${String(invoice.externalId)}:paid`
    const existing = await this.findOne(this.slugs.payments, { and: [{ provider: { equals: ERP_SOURCE } }, { providerRef: { equals: providerRef } }] })
    if (existing) return
    await this.write(this.slugs.payments, null, {
      allocations: [{ amount: invoice.amountDue, invoice: invoice.id }],
      amount: invoice.amountDue,
      client: relationId(invoice.client),
      currency: invoice.currency,
      method: 'other',
      notes: 'Marked paid in the ERP.',
      provider: ERP_SOURCE,
      providerRef,
      status: 'succeeded',
    })
  }

  async voidInvoice(data: Json): Promise<ErpResult> {
    const collection = this.slugs.invoices
    const externalId = data.externalId as string
    const existing = await this.locked('invoice', collection, externalId, this.invoiceWhere(externalId))
    if (!existing) throw missing(externalId)
    if (!isNewer(existing, data.version)) return { collection, id: existing.id, outcome: 'stale' }
    const status = invoiceStatusFor(existing.status as string, 'void')
    await this.write(collection, existing, { externalVersion: data.version, ...(data.reason ? { notes: data.reason } : {}), status })
    return { collection, id: existing.id, outcome: 'updated' }
  }

  async upsertCreditNote(data: Json): Promise<ErpResult> {
    const collection = this.slugs.creditNotes
    const existing = await this.locked('credit-note', collection, data.externalId as string)
    if (!isNewer(existing, data.version)) return { collection, id: existing!.id, outcome: 'stale' }
    const invoice = await this.invoice((data.invoice as { externalId: string }).externalId)
    const { invoice: _reference, status: wanted, version, ...fields } = data
    // A new credit note starts as draft or issued; one that arrives void passes through draft.
    const status = !existing && wanted === 'void' ? 'draft' : wanted
    let creditNote = await this.write(collection, existing, { ...fields, externalVersion: version, invoice: invoice.id, status })
    if (status !== wanted) creditNote = await this.write(collection, creditNote, { status: wanted })
    return { collection, id: creditNote.id, outcome: existing ? 'updated' : 'created' }
  }

  async recordPayment(data: Json): Promise<ErpResult> {
    const collection = this.slugs.payments
    const externalId = data.externalId as string
    const where: Where = { and: [{ provider: { equals: ERP_SOURCE } }, { providerRef: { equals: externalId } }] }
    const existing = await this.locked('payment', collection, externalId, where)
    const allocations: Array<{ amount: number; invoice: Doc }> = []
    for (const { amount, invoice } of data.allocations as Array<{ amount: number; invoice: { externalId: string } }>) {
      allocations.push({ amount, invoice: await this.invoice(invoice.externalId) })
    }
    const clients = new Set(allocations.map(({ invoice }) => String(relationId(invoice.client))))
    if (clients.size > 1) throw new Error(`Payment "${externalId}" pays invoices of ${clients.size} different clients; a payment belongs to one client.`)
    const record = {
      allocations: allocations.map(({ amount, invoice }) => ({ amount, invoice: invoice.id })),
      amount: data.amount,
      currency: data.currency,
    }
    if (existing) {
      const same = JSON.stringify(record) === JSON.stringify({ allocations: ((existing.allocations as Json[]) ?? []).map(({ amount, invoice }) => ({ amount, invoice: relationId(invoice) })), amount: existing.amount, currency: existing.currency })
      if (same) return { collection, id: existing.id, outcome: 'unchanged' }
      throw new Error(`Payment "${externalId}" was recorded with other amounts; a recorded payment can't change. Record a refund or a credit note instead.`)
    }
    const payment = await this.write(collection, null, {
      ...record,
      client: relationId(allocations[0].invoice.client),
      method: data.method ?? 'bank_transfer',
      paidAt: data.paidAt,
      provider: ERP_SOURCE,
      providerRef: externalId,
      status: 'succeeded',
    })
    return { collection, id: payment.id, outcome: 'created' }
  }
}

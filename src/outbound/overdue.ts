import type { PayloadRequest } from 'payload'

import type { Portal } from '../portal/context.js'

import { relationId } from '../access/index.js'
import { lockRows } from '../db/postgres.js'
import { inTransaction } from '../db/transaction.js'
import { calendarDay, isOverdue, payableInvoiceStatuses } from '../status/machines.js'
import { emitOutboundEvent } from './deliveries.js'
import { reference } from './references.js'

export const OVERDUE_TASK = 'invoicePortalOverdueSweep'

const PAGE = 500

type Invoice = { amountDue: number; client: unknown; currency: string; dueDate: string; externalId?: null | string; id: number | string; number: string; overdueAt?: null | string; status: string; total: number }

/**
 * Finds invoices that have become overdue (still payable, due before today in their client's
 * timezone) and marks each once (`overdueAt`), sending `invoice.overdue` in the same transaction.
 * Idempotent: a second sweep, or a sweep on another app instance, finds them marked.
 */
export async function sweepOverdue(portal: Portal, now: Date = new Date()): Promise<{ marked: number }> {
  const { options, payload } = portal
  // The latest "today" anywhere (UTC+14): no invoice due on or after it can be overdue yet.
  const latestToday = calendarDay(now, 'Etc/GMT-14')
  let marked = 0
  let after: number | string | null = null
  for (;;) {
    const page = await payload.find({
      collection: options.slugs.invoices,
      depth: 0,
      limit: PAGE,
      overrideAccess: true,
      pagination: false,
      select: { client: true, dueDate: true, status: true },
      sort: 'id',
      where: {
        and: [
          { status: { in: [...payableInvoiceStatuses] } },
          { dueDate: { less_than: `${latestToday}T00:00:00.000Z` } },
          { overdueAt: { exists: false } },
          ...(after === null ? [] : [{ id: { greater_than: after } }]),
        ],
      },
    })
    const docs = page.docs as Array<Pick<Invoice, 'client' | 'dueDate' | 'id' | 'status'>>
    if (docs.length === 0) return { marked }
    after = docs.at(-1)!.id
    const clientIds = [...new Set(docs.map((invoice) => relationId(invoice.client)))]
    const clients = await payload.find({ collection: options.slugs.clients, depth: 0, limit: clientIds.length, overrideAccess: true, pagination: false, select: { timezone: true }, where: { id: { in: clientIds } } })
    const timezoneOf = new Map(clients.docs.map((client) => [String(client.id), (client.timezone as string) || 'UTC']))
    for (const candidate of docs) {
      if (!isOverdue(candidate, timezoneOf.get(String(relationId(candidate.client))), now)) continue
      if (await markOverdue(portal, candidate.id, now)) marked += 1
    }
    if (docs.length < PAGE) return { marked }
  }
}

async function markOverdue(portal: Portal, invoiceId: number | string, now: Date): Promise<boolean> {
  const { options, payload } = portal
  return inTransaction(payload, async (req) => {
    await lockRows(req, options.slugs.invoices, [invoiceId])
    const invoice = (await payload.findByID({ collection: options.slugs.invoices, depth: 0, id: invoiceId, overrideAccess: true, req })) as Invoice
    if (invoice.overdueAt || !payableInvoiceStatuses.includes(invoice.status as never)) return false
    await payload.update({ collection: options.slugs.invoices, data: { overdueAt: now.toISOString() }, depth: 0, id: invoiceId, overrideAccess: true, req })
    await emitInvoiceOverdue(portal, req, invoice)
    return true
  })
}

/** Sends `invoice.overdue` to the ERP's endpoints that want it: by the sweep once, by a reminder step that escalates. */
export async function emitInvoiceOverdue(portal: Portal, req: PayloadRequest, invoice: Omit<Invoice, 'status'>, details: Record<string, unknown> = {}): Promise<void> {
  await emitOutboundEvent(portal, req, 'invoice.overdue', async () => ({
    amountDue: invoice.amountDue,
    client: await reference(portal, req, 'clients', invoice.client),
    currency: invoice.currency,
    dueDate: invoice.dueDate.slice(0, 10),
    externalId: invoice.externalId ?? null,
    id: invoice.id,
    number: invoice.number,
    total: invoice.total,
    ...details,
  }))
}

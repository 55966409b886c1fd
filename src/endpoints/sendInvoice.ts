import type { Endpoint, PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { lockRows } from '../db/postgres.js'
import { inTransaction } from '../db/transaction.js'
import { queueInvoiceIssued } from '../notifications/invoiceIssued.js'
import { documentId } from '../portal/context.js'
import { problem } from './responses.js'

type Invoice = { client: unknown; id: number | string; number?: string; sentAt?: null | string; status: string }

/**
 * `POST /api/invoice-portal/invoices/<id>/send` (the admin's "Send" button): issues a draft, then
 * e-mails the invoice to the client's billing contacts, once. A 409 says when it already went out.
 */
export function createSendInvoiceEndpoint(ctx: PluginContext): Endpoint {
  return {
    handler: async (req: PayloadRequest) => {
      if (!ctx.access.isStaff(req)) return problem(req.user ? 403 : 401, 'Only staff can send invoices.')
      const portal = { ...ctx, payload: req.payload }
      const slug = ctx.options.slugs.invoices
      const id = documentId(portal, String(req.routeParams?.id))
      const outcome = await inTransaction(req.payload, async (tx) => {
        if (id === null) return { status: 404 as const }
        await lockRows(tx, slug, [id])
        let invoice = (await req.payload.findByID({ collection: slug, depth: 0, disableErrors: true, id, overrideAccess: true, req: tx })) as Invoice | null
        if (!invoice) return { status: 404 as const }
        if (invoice.sentAt) return { invoice, status: 409 as const }
        if (['void', 'uncollectible'].includes(invoice.status)) return { invoice, status: 422 as const }
        // Issuing runs the invoice rules (lines, due date); their message comes back as a 400.
        if (invoice.status === 'draft') invoice = (await req.payload.update({ collection: slug, data: { status: 'open' }, depth: 0, id, overrideAccess: false, req: tx, user: req.user })) as Invoice
        const mailed = await queueInvoiceIssued(portal, tx, id, invoice.client)
        return { invoice, mailed, status: 202 as const }
      })
      if (outcome.status === 404) return problem(404, 'No such invoice.')
      const number = outcome.invoice.number ?? outcome.invoice.id
      if (outcome.status === 409) return problem(409, `Invoice ${number} was already sent on ${outcome.invoice.sentAt!.slice(0, 10)}.`)
      if (outcome.status === 422) return problem(422, `Invoice ${number} is ${outcome.invoice.status}; there is nothing to send.`)
      const message = outcome.mailed
        ? `Invoice ${number} is issued and being e-mailed to the client.`
        : `Invoice ${number} is issued; the client has no billing contact who wants new-invoice e-mails (nor, without contacts, a billing e-mail), so nothing was sent.`
      return Response.json({ mailed: outcome.mailed, message, status: outcome.invoice.status }, outcome.mailed ? { status: 202 } : { status: 200 })
    },
    method: 'post',
    path: '/invoice-portal/invoices/:id/send',
  }
}

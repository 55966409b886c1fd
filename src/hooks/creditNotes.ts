import type { CollectionAfterChangeHook, CollectionBeforeChangeHook } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'
import { lockRows } from '../db/postgres.js'
import { formatMoney } from '../money/format.js'
import { computeTotals, type LineAmounts, linesAreComputable } from '../money/totals.js'
import { checkCreditNoteMove, type CreditNoteStatus, payableInvoiceStatuses } from '../status/machines.js'
import { fieldError } from '../utilities/errors.js'
import { recordEvent } from './audit.js'
import { nextDocumentNumber } from './numbering.js'
import { loadSettlement, resettleInvoices } from './settlement.js'

type CreditNoteData = {
  amount?: number
  client?: unknown
  currency?: string
  id?: number | string
  invoice?: unknown
  issuedAt?: null | string
  lineItems?: LineAmounts[]
  number?: null | string
  status: CreditNoteStatus
}

type InvoiceRecord = { client: unknown; currency: string; number?: string; status: string; total: number }

/**
 * A credit note takes its client and currency from its invoice, its amount from its lines when it
 * has any, and on issue may not exceed what the invoice still has due.
 */
export const prepareCreditNote =
  (ctx: PluginContext): CollectionBeforeChangeHook =>
  async ({ data, operation, originalDoc, req }) => {
    const { slugs } = ctx.options
    const slug = slugs.creditNotes
    const before = (operation === 'update' ? originalDoc : undefined) as CreditNoteData | undefined
    const next = { ...before, ...data } as CreditNoteData
    const from = before?.status ?? null
    const status = next.status ?? 'draft'

    if (from === null && status === 'void') throw fieldError(slug, 'status', 'A new credit note starts as draft or issued.')
    if (from !== null && status !== from) {
      const move = checkCreditNoteMove(from, status)
      if (!move.allowed) throw fieldError(slug, 'status', move.message)
    }
    if (before && from !== 'draft') {
      for (const field of ['amount', 'lineItems', 'invoice'] as const) {
        if (field in data && JSON.stringify(comparable(data[field])) !== JSON.stringify(comparable(before[field]))) {
          throw fieldError(slug, field, `Credit note ${before.number ?? before.id} is ${from}: its ${field} can't change.`)
        }
      }
    }

    const invoiceId = relationId(next.invoice)
    if (invoiceId === null) throw fieldError(slug, 'invoice', 'A credit note needs the invoice it corrects.')
    const invoice = (await req.payload
      .findByID({ collection: slugs.invoices, depth: 0, disableErrors: true, id: invoiceId, req })
      .catch(() => null)) as InvoiceRecord | null
    if (!invoice) throw fieldError(slug, 'invoice', `Invoice ${invoiceId} does not exist.`)
    if (next.client !== undefined && next.client !== null && String(relationId(next.client)) !== String(relationId(invoice.client))) {
      throw fieldError(slug, 'client', `Invoice ${invoice.number ?? invoiceId} belongs to another client.`)
    }

    const lines = next.lineItems ?? []
    const totals = lines.length > 0 && linesAreComputable(lines) ? computeTotals(lines) : null
    if (totals) next.amount = totals.total
    const amount = next.amount
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
      throw fieldError(slug, 'amount', 'A credit note needs a positive amount in minor units, or lines that add up to one.')
    }

    const issuing = status === 'issued' && from !== 'issued'
    if (issuing) {
      if (!payableInvoiceStatuses.includes(invoice.status as never)) {
        throw fieldError(slug, 'invoice', `Invoice ${invoice.number ?? invoiceId} is ${invoice.status.replace(/_/g, ' ')}; only an open or partially paid invoice can be credited.`)
      }
      await lockRows(req, slugs.invoices, [invoiceId])
      const settled = await loadSettlement(ctx, req, invoiceId, { creditNote: before?.id })
      const due = Math.max(0, invoice.total - settled.paid - settled.credited)
      if (amount > due) {
        throw fieldError(
          slug,
          'amount',
          `The credit note (${formatMoney(amount, invoice.currency)}) exceeds the invoice's amount due (${formatMoney(due, invoice.currency)}).`,
        )
      }
    }

    return {
      ...data,
      // Each line's total is derived like an invoice's, so a credit note's lines print their amounts.
      ...(data?.lineItems && totals ? { lineItems: lines.map((line, index) => ({ ...line, amount: totals.lineTotals[index] })) } : {}),
      amount,
      client: relationId(invoice.client),
      currency: invoice.currency,
      issuedAt: status === 'issued' ? (next.issuedAt ?? new Date().toISOString()) : (next.issuedAt ?? null),
      number: issuing && !next.number ? await nextDocumentNumber(ctx, req, 'creditNote', new Date()) : next.number,
      status,
    }
  }

function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(({ id: _id, ...rest }) => rest)
  return relationId(value) ?? value ?? null
}

export const settleCreditNoteInvoice =
  (ctx: PluginContext): CollectionAfterChangeHook =>
  async ({ context, doc, previousDoc, req }) => {
    const before = previousDoc as CreditNoteData | undefined
    const after = doc as CreditNoteData
    if (before?.status === after.status) return doc
    if (before?.status === 'issued' || after.status === 'issued') {
      await resettleInvoices(ctx, req, [after.invoice, before?.invoice], context)
    }
    await recordEvent(ctx, req, {
      client: after.client,
      details: { amount: after.amount, from: before?.status ?? null, number: after.number ?? null, to: after.status },
      invoice: after.invoice,
      type: 'credit_note_status_changed',
    })
    return doc
  }

import type { CollectionAfterChangeHook, CollectionBeforeChangeHook, CollectionBeforeValidateHook } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'
import { normalizeCalendarDate } from '../fields/index.js'
import { invoiceBalance } from '../money/balance.js'
import { canonicalDecimal, parseDecimal } from '../money/decimal.js'
import { computeTotals, type LineAmounts, linesAreComputable } from '../money/totals.js'
import {
  calendarDay,
  checkRequestedInvoiceMove,
  type InvoiceStatus,
  settlementStatus,
  settlementStatuses,
} from '../status/machines.js'
import { hookFlags } from '../utilities/context.js'
import { fieldError } from '../utilities/errors.js'
import { recordEvent } from './audit.js'
import { nextDocumentNumber } from './numbering.js'
import { loadSettlement } from './settlement.js'

type InvoiceData = {
  amountCredited?: number
  amountDue?: number
  amountPaid?: number
  client?: unknown
  currency?: string
  dueDate?: null | string
  exchangeRate?: null | string
  id?: number | string
  issueDate?: null | string
  lineItems?: Array<LineAmounts & { amount?: number; description?: string; id?: string }>
  number?: null | string
  paidAt?: null | string
  status?: InvoiceStatus
  subtotal?: number
  taxBreakdown?: unknown[]
  taxTotal?: number
  total?: number
  voidedAt?: null | string
}

/** Fields that can't change once an invoice is issued; a credit note corrects them instead. */
const lockedFields = ['lineItems', 'currency', 'client', 'issueDate', 'exchangeRate', 'number'] as const

const lineKey = (line: Partial<LineAmounts & { description?: string }>) =>
  JSON.stringify([
    line.description ?? '',
    canonicalDecimal(line.quantity) ?? line.quantity,
    line.unitAmount,
    canonicalDecimal(line.taxRate) ?? line.taxRate,
  ])

function lockedValue(field: (typeof lockedFields)[number], invoice: InvoiceData): string {
  switch (field) {
    case 'client':
      return String(relationId(invoice.client))
    case 'exchangeRate':
      return canonicalDecimal(invoice.exchangeRate) ?? ''
    case 'issueDate':
      return String(normalizeCalendarDate(invoice.issueDate) ?? '')
    case 'lineItems':
      return JSON.stringify((invoice.lineItems ?? []).map(lineKey))
    default:
      return String(invoice[field] ?? '')
  }
}

/** Fills the currency from the client when it is not given, so an invoice bills in its client's money. */
export const defaultInvoiceFromClient =
  (ctx: PluginContext): CollectionBeforeValidateHook =>
  async ({ data, operation, req }) => {
    if (!data || operation !== 'create' || data.currency) return data
    const clientId = relationId(data.client)
    if (clientId === null) return data
    const client = await req.payload
      .findByID({ collection: ctx.options.slugs.clients, depth: 0, disableErrors: true, id: clientId, req })
      .catch(() => null)
    return { ...data, currency: (client as { currency?: string } | null)?.currency ?? ctx.options.currency }
  }

export const prepareInvoice =
  (ctx: PluginContext): CollectionBeforeChangeHook =>
  async ({ context, data, operation, originalDoc, req }) => {
    const slug = ctx.options.slugs.invoices
    const flags = hookFlags(context)
    const before = (operation === 'update' ? originalDoc : undefined) as InvoiceData | undefined
    // Object.assign, not spreads: this runs for every invoice of an ERP burst (see db/createMany.ts).
    const next: InvoiceData = Object.assign({}, before, data as InvoiceData)
    const from = before?.status ?? null
    let status: InvoiceStatus = next.status ?? 'draft'

    if (flags.settlement) {
      status = from ?? status
    } else if (from === null) {
      if (status !== 'draft' && status !== 'open') {
        throw fieldError(slug, 'status', `A new invoice starts as draft or open, not ${status.replace(/_/g, ' ')}; its payments decide when it is paid.`)
      }
    } else if (status !== from) {
      const move = checkRequestedInvoiceMove(from, status)
      if (!move.allowed) throw fieldError(slug, 'status', move.message)
    }

    if (before && from !== 'draft') {
      for (const field of lockedFields) {
        if (field in (data as object) && lockedValue(field, next) !== lockedValue(field, before)) {
          throw fieldError(
            slug,
            field,
            `Invoice ${before.number ?? before.id} is ${from?.replace(/_/g, ' ')}: its ${field === 'lineItems' ? 'lines and amounts' : field} can't be changed once issued. Issue a credit note to correct it.`,
          )
        }
      }
    }

    const issueDay = next.issueDate?.slice(0, 10)
    const dueDay = next.dueDate?.slice(0, 10)
    if (issueDay && dueDay && dueDay < issueDay) {
      throw fieldError(slug, 'dueDate', `The due date (${dueDay}) is before the issue date (${issueDay}).`)
    }

    const lines = next.lineItems ?? []
    // Lines that break a field rule are left to field validation, which runs after this hook and
    // names the bad field in its 400.
    if (!linesAreComputable(lines) || lines.some((line) => parseDecimal(line.quantity)!.units < 0n)) return data
    const totals = computeTotals(lines)
    const issuing = status !== 'draft' && (from === null || from === 'draft')
    if (issuing) {
      if (lines.length === 0) throw fieldError(slug, 'lineItems', 'An invoice needs at least one line before it is issued.')
      if (!next.dueDate) throw fieldError(slug, 'dueDate', 'An invoice needs a due date before it is issued.')
      if (totals.total < 0) {
        throw fieldError(slug, 'lineItems', 'An invoice total cannot be negative; issue a credit note for money owed to the client.')
      }
      if (!next.issueDate) {
        next.issueDate = `${calendarDay(new Date(), 'UTC')}T12:00:00.000Z`
        if (dueDay && dueDay < next.issueDate.slice(0, 10)) {
          throw fieldError(slug, 'dueDate', `The due date (${dueDay}) is before today's issue date (${next.issueDate.slice(0, 10)}).`)
        }
      }
      if (!next.number) next.number = await nextDocumentNumber(ctx, req, 'invoice', new Date(next.issueDate))
    }

    const settled = before?.id !== undefined ? await loadSettlement(ctx, req, before.id) : { credited: 0, paid: 0 }
    const balance = invoiceBalance(totals.total, settled.paid, settled.credited)
    if (settlementStatuses.includes(status)) status = settlementStatus(balance)

    const now = new Date().toISOString()
    return Object.assign({}, data, data?.lineItems ? { lineItems: lines.map((line, index) => Object.assign({}, line, { amount: totals.lineTotals[index] })) } : {}, {
      amountCredited: balance.amountCredited,
      amountDue: status === 'void' ? 0 : balance.amountDue,
      amountPaid: balance.amountPaid,
      issueDate: next.issueDate,
      number: next.number,
      paidAt: status === 'paid' ? (before?.status === 'paid' ? before.paidAt : now) : null,
      status,
      subtotal: totals.subtotal,
      taxBreakdown: totals.taxBreakdown,
      taxTotal: totals.taxTotal,
      total: totals.total,
      voidedAt: status === 'void' ? (before?.voidedAt ?? now) : null,
    })
  }

export const auditInvoiceStatus =
  (ctx: PluginContext): CollectionAfterChangeHook =>
  async ({ doc, previousDoc, req }) => {
    const from = (previousDoc as InvoiceData | undefined)?.status ?? null
    if (from === doc.status) return doc
    await recordEvent(ctx, req, {
      client: doc.client,
      details: { from, number: doc.number ?? null, to: doc.status },
      invoice: doc.id,
      type: 'invoice_status_changed',
    })
    return doc
  }

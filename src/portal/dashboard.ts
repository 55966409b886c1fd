import type { Where } from 'payload'

import type { Portal } from './context.js'
import type { Contact } from './session.js'
import type { PortalView } from './views/types.js'

import { visibleSums } from '../db/visibleSums.js'
import { calendarDay, payableInvoiceStatuses } from '../status/machines.js'
import { invoiceWhere, parseInvoiceQuery } from './filters.js'

type OpenInvoice = { amountDue: number; currency: string; dueDate?: null | string; id: number | string; number?: string; status: string }
const nextDueFields = { amountDue: true, currency: true, dueDate: true, number: true, status: true } as const

/** Events worth showing a client; page views are recorded but would drown the rest. */
const activityTypes = ['login', 'magic_link_used', 'invoice_status_changed', 'payment_succeeded', 'credit_note_status_changed', 'document_downloaded']

/**
 * What the dashboard shows, read as the contact: open balance and overdue amount per currency (summed
 * by the database), the next invoice due and the latest activity. Also what bench/scale.ts measures.
 */
export async function loadDashboard(portal: Portal, contact: Contact, client: PortalView['client'], timezone: string) {
  const { slugs } = portal.options
  const today = calendarDay(new Date(), timezone)
  const payable: Where = { status: { in: [...payableInvoiceStatuses] } }
  const dueSums = (where: Where) => visibleSums({ collection: slugs.invoices, fields: ['amountDue'], groupBy: 'currency', payload: portal.payload, user: contact, where })
  const firstDue = (where: Where) =>
    portal.payload.find({ collection: slugs.invoices, depth: 0, limit: 1, overrideAccess: false, pagination: false, select: nextDueFields, sort: ['dueDate', 'id'], user: contact, where })
  // One after the other would add the round trips up; none of these depends on another.
  const [balance, overdue, upcoming, earliest, activity] = await Promise.all([
    dueSums(payable),
    dueSums(invoiceWhere(parseInvoiceQuery({ status: 'overdue' }), client, today)),
    firstDue({ and: [payable, { dueDate: { greater_than_equal: `${today}T00:00:00.000Z` } }] }),
    firstDue(payable),
    portal.payload.find({
      collection: slugs.portalEvents,
      depth: 0,
      limit: 8,
      overrideAccess: false,
      pagination: false,
      sort: ['-createdAt', '-id'],
      user: contact,
      where: { type: { in: activityTypes } },
    }),
  ])
  // The next invoice falling due, or, when all are overdue, the one overdue longest.
  const next = (upcoming.docs[0] ?? earliest.docs[0]) as OpenInvoice | undefined
  return { activity: activity.docs, balance, next, overdue }
}

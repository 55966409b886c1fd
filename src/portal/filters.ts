import type { TypedUser, Where } from 'payload'

import { isCurrency } from '../money/currencies.js'
import { parseDecimal } from '../money/decimal.js'
import { toMinorUnits } from '../money/format.js'
import { invoiceStatuses, payableInvoiceStatuses } from '../status/machines.js'

/**
 * The invoice list's filters, sorting and page, read from (and written back to) the URL so that a
 * filtered view can be bookmarked. Anything malformed in the URL is dropped, never trusted.
 */
export type InvoiceQuery = {
  amountMax: string
  amountMin: string
  dueFrom: string
  dueTo: string
  issueFrom: string
  issueTo: string
  page: number
  q: string
  sort: InvoiceSort
  status: '' | 'overdue' | 'unpaid' | (typeof invoiceStatuses)[number]
}

export const invoiceSorts = ['-issueDate', 'issueDate', 'dueDate', '-dueDate', '-total', 'total', '-number', 'number'] as const
export type InvoiceSort = (typeof invoiceSorts)[number]
export const PAGE_SIZE = 25

type SearchParams = Record<string, string | string[] | undefined>
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim() ?? ''
/** A real calendar day as YYYY-MM-DD: 2026-02-30 is refused (Date.parse would roll it into March). */
export const isDay = (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const time = Date.parse(`${value}T00:00:00Z`)
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value
}
const isAmount = (value: string) => {
  const decimal = parseDecimal(value)
  return decimal !== null && decimal.units >= 0n
}

export function parseInvoiceQuery(params: SearchParams): InvoiceQuery {
  const status = first(params.status)
  const sort = first(params.sort)
  const page = Number(first(params.page))
  const day = (name: string) => (isDay(first(params[name])) ? first(params[name]) : '')
  const amount = (name: string) => (isAmount(first(params[name])) ? first(params[name]) : '')
  return {
    amountMax: amount('amountMax'),
    amountMin: amount('amountMin'),
    dueFrom: day('dueFrom'),
    dueTo: day('dueTo'),
    issueFrom: day('issueFrom'),
    issueTo: day('issueTo'),
    page: Number.isInteger(page) && page > 0 ? page : 1,
    q: first(params.q).slice(0, 64),
    sort: (invoiceSorts as readonly string[]).includes(sort) ? (sort as InvoiceSort) : '-issueDate',
    status: ['overdue', 'unpaid', ...invoiceStatuses].includes(status) ? (status as InvoiceQuery['status']) : '',
  }
}

/** The query string of `query` with `change` applied; defaults are left out to keep URLs short. */
export function invoiceQueryString(query: InvoiceQuery, change: Partial<InvoiceQuery> = {}): string {
  const merged = { ...query, ...change }
  const entries = Object.entries(merged).filter(([key, value]) => {
    if (key === 'page') return value !== 1
    if (key === 'sort') return value !== '-issueDate'
    return value !== ''
  })
  const search = new URLSearchParams(entries.map(([key, value]) => [key, String(value)])).toString()
  return search ? `?${search}` : ''
}

/**
 * The Where of the filters. Amounts are entered in major units of the client's currency; overdue is
 * "still payable and due before today" with today taken in the client's timezone.
 */
export function invoiceWhere(query: InvoiceQuery, client: { currency?: null | string }, today: string): Where {
  const and: Where[] = []
  if (query.status === 'overdue') {
    and.push({ status: { in: [...payableInvoiceStatuses] } }, { dueDate: { less_than: `${today}T00:00:00.000Z` } })
  } else if (query.status === 'unpaid') {
    and.push({ status: { in: [...payableInvoiceStatuses] } })
  } else if (query.status) {
    and.push({ status: { equals: query.status } })
  }
  if (query.issueFrom) and.push({ issueDate: { greater_than_equal: `${query.issueFrom}T00:00:00.000Z` } })
  if (query.issueTo) and.push({ issueDate: { less_than_equal: `${query.issueTo}T23:59:59.999Z` } })
  if (query.dueFrom) and.push({ dueDate: { greater_than_equal: `${query.dueFrom}T00:00:00.000Z` } })
  if (query.dueTo) and.push({ dueDate: { less_than_equal: `${query.dueTo}T23:59:59.999Z` } })
  const currency = client.currency && isCurrency(client.currency) ? client.currency : 'EUR'
  if (query.amountMin) and.push({ total: { greater_than_equal: toMinorUnits(query.amountMin, currency) } })
  if (query.amountMax) and.push({ total: { less_than_equal: toMinorUnits(query.amountMax, currency) } })
  if (query.q) and.push({ number: { like: query.q } })
  return and.length ? { and } : {}
}

/** The Local API query of one list page, as the contact: what the list view runs (and bench/scale.ts measures). */
export function invoiceListArgs(collection: string, contact: TypedUser, client: { currency?: null | string }, query: InvoiceQuery, today: string) {
  return {
    collection,
    depth: 0,
    limit: PAGE_SIZE,
    overrideAccess: false,
    page: query.page,
    select: { amountDue: true, currency: true, dueDate: true, issueDate: true, number: true, status: true, total: true } as const,
    sort: [query.sort, '-id'] as string[],
    user: contact,
    where: invoiceWhere(query, client, today),
  }
}

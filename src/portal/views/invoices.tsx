import React from 'react'

import type { MessageKey } from '../i18n.js'
import type { PortalView } from './types.js'

import { relationId } from '../../access/index.js'
import { toMajorUnits } from '../../money/format.js'
import { calendarDay, invoiceStatuses, payableInvoiceStatuses } from '../../status/machines.js'
import { invoiceListArgs, type InvoiceQuery, invoiceQueryString, parseInvoiceQuery } from '../filters.js'
import { loadSettings } from '../settings.js'
import { day, money, percent, quantity } from '../format.js'
import { InvoiceStatus, Notice, StatusBadge } from './shell.js'
import { param, visibleRecordOr404 } from './types.js'

type Invoice = {
  amountCredited: number
  amountDue: number
  amountPaid: number
  currency: string
  dueDate?: null | string
  id: number | string
  issueDate?: null | string
  lineItems?: Array<{ amount: number; description: string; id?: string; quantity: string; taxRate: string; unitAmount: number }>
  notes?: null | string
  number?: null | string
  status: string
  subtotal: number
  taxBreakdown?: Array<{ base: number; rate: string; tax: number }>
  taxTotal: number
  total: number
}

const zipErrors: Record<string, 'download.noneSelected' | 'download.tooMany'> = { none: 'download.noneSelected', tooMany: 'download.tooMany' }

const sortLabels = {
  '-dueDate': 'sort.dueDesc',
  '-issueDate': 'sort.issueDesc',
  '-number': 'sort.numberDesc',
  '-total': 'sort.amountDesc',
  dueDate: 'sort.dueAsc',
  issueDate: 'sort.issueAsc',
  number: 'sort.numberAsc',
  total: 'sort.amountAsc',
} as const

export async function InvoiceListView(view: PortalView) {
  const { client, contact, locale, portal, route, t, timezone } = view
  const query = parseInvoiceQuery(view.query)
  const result = await portal.payload.find(invoiceListArgs(portal.options.slugs.invoices, contact, client, query, calendarDay(new Date(), timezone)))
  const invoices = result.docs as unknown as Invoice[]
  const field = (name: keyof InvoiceQuery, label: string, type: string, extra: Record<string, string> = {}) => (
    <label>
      {label}
      <input defaultValue={String(query[name])} name={name} type={type} {...extra} />
    </label>
  )
  return (
    <>
      <h1>{t('invoices.title')}</h1>
      <form action={`${route}/invoices`} aria-label={t('invoices.filters')} className="filters" method="get">
        <label>
          {t('filter.status')}
          <select defaultValue={query.status} name="status">
            <option value="">{t('filter.statusAll')}</option>
            <option value="unpaid">{t('status.unpaid')}</option>
            <option value="overdue">{t('status.overdue')}</option>
            {invoiceStatuses.filter((status) => status !== 'draft').map((status) => (
              <option key={status} value={status}>{t(`status.${status}`)}</option>
            ))}
          </select>
        </label>
        {field('q', t('filter.number'), 'search')}
        {field('issueFrom', t('filter.issueFrom'), 'date')}
        {field('issueTo', t('filter.issueTo'), 'date')}
        {field('dueFrom', t('filter.dueFrom'), 'date')}
        {field('dueTo', t('filter.dueTo'), 'date')}
        {field('amountMin', t('amount.from'), 'number', { min: '0', step: 'any' })}
        {field('amountMax', t('amount.to'), 'number', { min: '0', step: 'any' })}
        <label>
          {t('filter.sort')}
          <select defaultValue={query.sort} name="sort">
            {Object.entries(sortLabels).map(([value, key]) => (
              <option key={value} value={value}>{t(key)}</option>
            ))}
          </select>
        </label>
        <div style={{ display: 'flex', gap: 8 }}>
          <button type="submit">{t('action.apply')}</button>
          <a className="button secondary" href={`${route}/invoices`}>{t('action.clear')}</a>
        </div>
      </form>
      <p aria-live="polite" className="muted">{t(result.totalDocs === 1 ? 'invoices.countOne' : 'invoices.count', { count: result.totalDocs })}</p>
      <PayErrorNotice view={view} />
      {zipErrors[param(view.query, 'zip')] ? <Notice kind="error">{t(zipErrors[param(view.query, 'zip')], { max: portal.options.pdf.zipMaxInvoices })}</Notice> : null}
      {invoices.length === 0 ? (
        <Notice>{t('invoices.empty')}</Notice>
      ) : (
        <form action={`${route}/api/zip`} id="zip-form" method="post">
        {Object.entries(query).map(([name, value]) => (name === 'page' ? null : <input key={name} name={name} type="hidden" value={String(value)} />))}
        <table className="responsive">
          <caption className="skip">{t('invoices.title')}</caption>
          <thead>
            <tr>
              <th scope="col"><span className="skip">{t('download.selectAll')}</span></th>
              <th scope="col">{t('invoice.number')}</th>
              <th scope="col">{t('invoice.issueDate')}</th>
              <th scope="col">{t('invoice.dueDate')}</th>
              <th className="num" scope="col">{t('invoice.total')}</th>
              <th className="num" scope="col">{t('invoice.amountDue')}</th>
              <th scope="col">{t('filter.status')}</th>
            </tr>
          </thead>
          <tbody>
            {invoices.map((invoice) => (
              <tr key={invoice.id}>
                <td className="select">
                  <input aria-label={t('download.select', { name: invoice.number ?? '' })} name="ids" type="checkbox" value={String(invoice.id)} />
                </td>
                <td data-label={t('invoice.number')}>
                  <a href={`${route}/invoices/${invoice.id}`}>{invoice.number}</a>
                </td>
                <td data-label={t('invoice.issueDate')}>{day(invoice.issueDate, locale)}</td>
                <td data-label={t('invoice.dueDate')}>{day(invoice.dueDate, locale)}</td>
                <td className="num" data-label={t('invoice.total')}>{money(invoice.total, invoice.currency, locale)}</td>
                <td className="num" data-label={t('invoice.amountDue')}>{money(invoice.amountDue, invoice.currency, locale)}</td>
                <td data-label={t('filter.status')}><InvoiceStatus invoice={invoice} view={view} /></td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="actions">
          <button name="scope" type="submit" value="selected">{t('download.selected')}</button>
          <button className="secondary" name="scope" type="submit" value="filter">{t('download.allMatching', { count: result.totalDocs })}</button>
          {view.contact.role === 'billing' && portal.options.payments.providers.length > 0 ? (
            <button formAction={`${route}/api/pay`} name="provider" type="submit" value={portal.options.payments.providers[0].name}>{t('pay.selected')}</button>
          ) : null}
        </div>
        </form>
      )}
      {result.totalPages > 1 ? (
        <nav aria-label={t('pagination.label')} className="pager">
          {result.hasPrevPage ? <a href={`${route}/invoices${invoiceQueryString(query, { page: query.page - 1 })}`} rel="prev">{t('pagination.previous')}</a> : <span />}
          <span>{t('pagination.page', { page: result.page ?? 1, pages: result.totalPages })}</span>
          {result.hasNextPage ? <a href={`${route}/invoices${invoiceQueryString(query, { page: query.page + 1 })}`} rel="next">{t('pagination.next')}</a> : <span />}
        </nav>
      ) : null}
    </>
  )
}

export async function InvoiceDetailView(view: PortalView & { invoiceId: string }) {
  const { contact, locale, portal, route, t } = view
  const { slugs } = portal.options
  const invoice = await visibleRecordOr404<Invoice>(view, slugs.invoices, view.invoiceId)
  const [payments, creditNotes, settings] = await Promise.all([
    portal.payload.find({
      collection: slugs.payments,
      depth: 0,
      overrideAccess: false,
      pagination: false,
      sort: 'createdAt',
      user: contact,
      where: { 'allocations.invoice': { equals: invoice.id } },
    }),
    portal.payload.find({ collection: slugs.creditNotes, depth: 0, overrideAccess: false, pagination: false, sort: 'issuedAt', user: contact, where: { invoice: { equals: invoice.id } } }),
    loadSettings(portal),
  ])
  const currency = invoice.currency
  const allocatedHere = (payment: Record<string, unknown>) =>
    ((payment.allocations as Array<{ amount: number; invoice: unknown }>) ?? [])
      .filter((allocation) => String(relationId(allocation.invoice)) === String(invoice.id))
      .reduce((sum, allocation) => sum + allocation.amount, 0)
  const inProgress = payments.docs.filter((payment) => payment.status === 'processing')
  // Money already on its way (a SEPA debit) is not asked for again.
  const payable = Math.max(0, invoice.amountDue - inProgress.reduce((sum, payment) => sum + allocatedHere(payment), 0))
  const canPay = contact.role === 'billing' && payableInvoiceStatuses.includes(invoice.status as never) && payable > 0
  const partial = Boolean(settings.portal?.allowPartialPayment)
  const minimum = Math.min(payable, Math.max(1, settings.portal?.minimumPartialAmount ?? 1))
  const major = (minor: number) => toMajorUnits(minor, currency)
  const providers = portal.options.payments.providers
  return (
    <>
      <p><a href={`${route}/invoices`}>← {t('invoice.backToList')}</a></p>
      <h1>
        {t('invoice.number')} {invoice.number} <InvoiceStatus invoice={invoice} view={view} />
      </h1>
      <p><a className="button" download href={`${route}/api/invoices/${invoice.id}/pdf`}>{t('download.pdf')}</a></p>
      <PayErrorNotice invoiceNumber={invoice.number ?? ''} view={view} />
      {inProgress.map((payment) => (
        <Notice key={payment.id}>{t('invoice.paymentInProgress', { amount: money(allocatedHere(payment), currency, locale) })}</Notice>
      ))}
      <div className="cards">
        <div className="card"><div className="muted">{t('invoice.issueDate')}</div><div>{day(invoice.issueDate, locale)}</div></div>
        <div className="card"><div className="muted">{t('invoice.dueDate')}</div><div>{day(invoice.dueDate, locale)}</div></div>
        <div className="card"><div className="muted">{t('invoice.total')}</div><div className="big" data-testid="invoice-total">{money(invoice.total, currency, locale)}</div></div>
        <div className="card"><div className="muted">{t('invoice.amountDue')}</div><div className="big" data-testid="invoice-amount-due">{money(invoice.amountDue, currency, locale)}</div></div>
      </div>
      {canPay ? (
        <section aria-labelledby="pay-heading" className="card pay" style={{ marginTop: 16 }}>
          <h2 id="pay-heading" style={{ marginTop: 0 }}>{t('invoice.payHeading')}</h2>
          {providers.length === 0 ? (
            <p>{t('invoice.payUnavailable', { number: invoice.number ?? '' })}</p>
          ) : (
            <form action={`${route}/api/pay`} method="post" style={{ alignItems: 'end', display: 'flex', flexWrap: 'wrap', gap: 12 }}>
              <input name="invoice" type="hidden" value={String(invoice.id)} />
              {partial ? (
                <label>
                  {t('invoice.payAmount')} ({currency})
                  <input aria-describedby="pay-hint" defaultValue={major(payable)} max={major(payable)} min={major(minimum)} name="amount" required step="any" type="number" />
                  <span className="muted" id="pay-hint" style={{ display: 'block' }}>{t('pay.partialHint', { max: money(payable, currency, locale), min: money(minimum, currency, locale) })}</span>
                </label>
              ) : null}
              {providers.map((provider) => (
                <button key={provider.name} name="provider" type="submit" value={provider.name}>
                  {t('pay.with', { amount: partial ? '' : money(payable, currency, locale), provider: provider.label }).replace('  ', ' ')}
                </button>
              ))}
            </form>
          )}
        </section>
      ) : null}
      <h2 id="lines">{t('invoice.lines')}</h2>
      <table aria-labelledby="lines" className="responsive">
        <thead>
          <tr>
            <th scope="col">{t('invoice.description')}</th>
            <th className="num" scope="col">{t('invoice.quantity')}</th>
            <th className="num" scope="col">{t('invoice.unitPrice')}</th>
            <th className="num" scope="col">{t('invoice.rate')}</th>
            <th className="num" scope="col">{t('invoice.lineTotal')}</th>
          </tr>
        </thead>
        <tbody>
          {(invoice.lineItems ?? []).map((line, index) => (
            <tr key={line.id ?? index}>
              <td data-label={t('invoice.description')}>{line.description}</td>
              <td className="num" data-label={t('invoice.quantity')}>{quantity(line.quantity, locale)}</td>
              <td className="num" data-label={t('invoice.unitPrice')}>{money(line.unitAmount, currency, locale)}</td>
              <td className="num" data-label={t('invoice.rate')}>{percent(line.taxRate, locale)}</td>
              <td className="num" data-label={t('invoice.lineTotal')}>{money(line.amount, currency, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table aria-label={t('invoice.total')} className="totals" style={{ marginTop: 12 }}>
        <tbody>
          <tr><th scope="row">{t('invoice.subtotal')}</th><td className="num" data-testid="invoice-subtotal">{money(invoice.subtotal, currency, locale)}</td></tr>
          {(invoice.taxBreakdown ?? []).map((row) => (
            <tr key={row.rate}>
              <th scope="row">{t('invoice.tax')} {percent(row.rate, locale)} <span className="muted">({t('invoice.base')} {money(row.base, currency, locale)})</span></th>
              <td className="num">{money(row.tax, currency, locale)}</td>
            </tr>
          ))}
          <tr><th scope="row">{t('invoice.total')}</th><td className="num">{money(invoice.total, currency, locale)}</td></tr>
          <tr><th scope="row">{t('invoice.paid')}</th><td className="num">{money(-invoice.amountPaid, currency, locale)}</td></tr>
          {invoice.amountCredited ? <tr><th scope="row">{t('invoice.credited')}</th><td className="num">{money(-invoice.amountCredited, currency, locale)}</td></tr> : null}
          <tr><th scope="row">{t('invoice.amountDue')}</th><td className="num">{money(invoice.amountDue, currency, locale)}</td></tr>
        </tbody>
      </table>
      {invoice.notes ? (<><h2>{t('invoice.notes')}</h2><p style={{ whiteSpace: 'pre-wrap' }}>{invoice.notes}</p></>) : null}
      <h2 id="payments">{t('invoice.payments')}</h2>
      {payments.docs.length === 0 ? <p className="muted">{t('invoice.noPayments')}</p> : (
        <table aria-labelledby="payments" className="responsive">
          <thead><tr><th scope="col">{t('payments.date')}</th><th scope="col">{t('payments.method')}</th><th scope="col">{t('filter.status')}</th><th className="num" scope="col">{t('invoice.lineTotal')}</th></tr></thead>
          <tbody>
            {payments.docs.map((payment) => (
              <tr key={payment.id}>
                <td data-label={t('payments.date')}>{day((payment.paidAt as string) ?? (payment.createdAt as string), locale)}</td>
                <td data-label={t('payments.method')}>{String(payment.method ?? '—').replace(/_/g, ' ')}</td>
                <td data-label={t('filter.status')}><StatusBadge status={payment.status as string} view={view} /></td>
                <td className="num" data-label={t('invoice.lineTotal')}>{money(allocatedHere(payment), currency, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2 id="credit-notes">{t('invoice.creditNotes')}</h2>
      {creditNotes.docs.length === 0 ? <p className="muted">{t('invoice.noCreditNotes')}</p> : (
        <table aria-labelledby="credit-notes" className="responsive">
          <thead><tr><th scope="col">{t('invoice.number')}</th><th scope="col">{t('payments.date')}</th><th scope="col">{t('creditNotes.reason')}</th><th className="num" scope="col">{t('invoice.lineTotal')}</th></tr></thead>
          <tbody>
            {creditNotes.docs.map((note) => (
              <tr key={note.id}>
                <td data-label={t('invoice.number')}>{String(note.number ?? '')} <StatusBadge status={note.status as string} view={view} /></td>
                <td data-label={t('payments.date')}>{day(note.issuedAt as string, locale)}</td>
                <td data-label={t('creditNotes.reason')}>{String(note.reason ?? '')}</td>
                <td className="num" data-label={t('invoice.lineTotal')}>{money(note.amount as number, currency, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

const payErrorKeys: Record<string, MessageKey> = {
  amount: 'pay.error.amount',
  currency: 'pay.error.currency',
  inProgress: 'pay.error.inProgress',
  noneSelected: 'pay.error.noneSelected',
  notAllowed: 'pay.error.notAllowed',
  nothingDue: 'pay.error.nothingDue',
  provider: 'pay.error.provider',
  unavailable: 'invoice.payUnavailable',
}

/** Why the last pay form did not lead to a checkout (`?payError=` from the pay handler). */
export function PayErrorNotice({ invoiceNumber, view }: { invoiceNumber?: string; view: PortalView }) {
  const key = payErrorKeys[param(view.query, 'payError')]
  if (!key) return null
  return (
    <Notice kind="error">
      {view.t(key, { max: param(view.query, 'max'), min: param(view.query, 'min'), number: invoiceNumber ?? '' })}
    </Notice>
  )
}

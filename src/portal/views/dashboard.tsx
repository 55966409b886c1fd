import React from 'react'

import type { MessageKey } from '../i18n.js'
import type { PortalView } from './types.js'

import { calendarDay, isOverdue, payableInvoiceStatuses } from '../../status/machines.js'
import { dateTime, day, money } from '../format.js'
import { InvoiceStatus, Notice } from './shell.js'

type OpenInvoice = { amountDue: number; currency: string; dueDate?: null | string; id: number | string; number?: string; status: string }

/** Events worth showing a client; page views are recorded but would drown the rest. */
const activityTypes = ['login', 'magic_link_used', 'invoice_status_changed', 'payment_succeeded', 'credit_note_status_changed', 'document_downloaded']

export async function DashboardView(view: PortalView) {
  const { client, contact, locale, portal, route, t, timezone } = view
  const { slugs } = portal.options
  const [open, activity] = await Promise.all([
    portal.payload.find({
      collection: slugs.invoices,
      depth: 0,
      overrideAccess: false,
      pagination: false,
      select: { amountDue: true, currency: true, dueDate: true, number: true, status: true },
      sort: 'dueDate',
      user: contact,
      where: { status: { in: [...payableInvoiceStatuses] } },
    }),
    portal.payload.find({
      collection: slugs.portalEvents,
      depth: 0,
      limit: 8,
      overrideAccess: false,
      sort: '-createdAt',
      user: contact,
      where: { type: { in: activityTypes } },
    }),
  ])
  const invoices = open.docs as unknown as OpenInvoice[]
  const sumBy = (list: OpenInvoice[]) =>
    [...list.reduce((sums, invoice) => sums.set(invoice.currency, (sums.get(invoice.currency) ?? 0) + invoice.amountDue), new Map<string, number>())]
  const balance = sumBy(invoices)
  const overdue = sumBy(invoices.filter((invoice) => isOverdue(invoice, timezone)))
  const today = calendarDay(new Date(), timezone)
  const next = invoices.find((invoice) => (invoice.dueDate ?? '').slice(0, 10) >= today) ?? invoices[0]
  const amounts = (sums: Array<[string, number]>) => (sums.length ? sums.map(([currency, amount]) => <div key={currency}>{money(amount, currency, locale)}</div>) : <div>{money(0, client.currency ?? 'EUR', locale)}</div>)
  return (
    <>
      <h1>{t('dashboard.title')}</h1>
      <div className="cards">
        <section aria-labelledby="balance" className="card">
          <h2 id="balance" style={{ margin: 0 }}>{t('dashboard.balance')}</h2>
          <div className="big" data-testid="open-balance">{amounts(balance)}</div>
          {balance.length ? <a href={`${route}/invoices?status=unpaid`}>{t('nav.invoices')}</a> : <p className="muted">{t('dashboard.noBalance')}</p>}
        </section>
        <section aria-labelledby="overdue" className="card">
          <h2 id="overdue" style={{ margin: 0 }}>{t('dashboard.overdue')}</h2>
          <div className="big" data-testid="overdue-amount">{amounts(overdue)}</div>
          {overdue.length ? <a href={`${route}/invoices?status=overdue`}>{t('status.overdue')}</a> : null}
        </section>
        <section aria-labelledby="next-due" className="card">
          <h2 id="next-due" style={{ margin: 0 }}>{t('dashboard.nextDue')}</h2>
          {next ? (
            <p>
              <a href={`${route}/invoices/${next.id}`}>{next.number}</a> · {day(next.dueDate, locale)} · {money(next.amountDue, next.currency, locale)}{' '}
              <InvoiceStatus invoice={next} view={view} />
            </p>
          ) : (
            <p className="muted">{t('dashboard.noneDue')}</p>
          )}
        </section>
      </div>
      <h2>{t('dashboard.activity')}</h2>
      {activity.docs.length === 0 ? (
        <Notice>{t('dashboard.noActivity')}</Notice>
      ) : (
        <ul>
          {activity.docs.map((event) => {
            const details = (event.details ?? {}) as { number?: string; to?: string }
            const key = `event.${event.type as string}` as MessageKey
            return (
              <li key={event.id}>
                <span className="muted">{dateTime(event.createdAt as string, locale, timezone)}</span> —{' '}
                {t(key, { number: details.number ?? '', status: details.to ? t(`status.${details.to}` as MessageKey) : '' })}
              </li>
            )
          })}
        </ul>
      )}
    </>
  )
}

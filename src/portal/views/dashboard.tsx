import React from 'react'

import type { MessageKey } from '../i18n.js'
import type { PortalView } from './types.js'

import { loadDashboard } from '../dashboard.js'
import { dateTime, day, money } from '../format.js'
import { InvoiceStatus, Notice } from './shell.js'

export async function DashboardView(view: PortalView) {
  const { client, contact, locale, portal, route, t, timezone } = view
  const { activity, balance, next, overdue } = await loadDashboard(portal, contact, client, timezone)
  const amounts = (sums: Array<{ amountDue: number; group: string }>) => (sums.length ? sums.map(({ amountDue, group }) => <div key={group}>{money(amountDue, group, locale)}</div>) : <div>{money(0, client.currency ?? 'EUR', locale)}</div>)
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
      {activity.length === 0 ? (
        <Notice>{t('dashboard.noActivity')}</Notice>
      ) : (
        <ul>
          {activity.map((event) => {
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

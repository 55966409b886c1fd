import React from 'react'

import type { PortalView } from './types.js'

import { calendarDay } from '../../status/machines.js'
import { isDay } from '../filters.js'
import { Notice } from './shell.js'
import { param } from './types.js'

/** Choose a period (and currency, when the client has invoices in several) and download its statement. */
export async function StatementView(view: PortalView) {
  const { client, contact, portal, route, t, timezone } = view
  const today = calendarDay(new Date(), timezone)
  const from = isDay(param(view.query, 'from')) ? param(view.query, 'from') : `${today.slice(0, 4)}-01-01`
  const to = isDay(param(view.query, 'to')) ? param(view.query, 'to') : today
  const { docs } = await portal.payload.find({
    collection: portal.options.slugs.invoices,
    depth: 0,
    limit: 500,
    overrideAccess: false,
    select: { currency: true },
    sort: '-issueDate',
    user: contact,
  })
  const currencies = [...new Set([client.currency ?? portal.options.currency, ...docs.map((doc) => String(doc.currency))])]
  return (
    <>
      <h1>{t('statement.title')}</h1>
      {param(view.query, 'error') === 'invalid' ? <Notice kind="error">{t('statement.invalid')}</Notice> : null}
      <p>{t('statement.intro')}</p>
      <form action={`${route}/api/statement`} className="filters" method="get">
        <label>{t('statement.from')}<input defaultValue={from} name="from" required type="date" /></label>
        <label>{t('statement.to')}<input defaultValue={to} name="to" required type="date" /></label>
        {currencies.length > 1 ? (
          <label>
            {t('statement.currency')}
            <select defaultValue={currencies[0]} name="currency">
              {currencies.map((currency) => <option key={currency} value={currency}>{currency}</option>)}
            </select>
          </label>
        ) : null}
        <div><button type="submit">{t('statement.download')}</button></div>
      </form>
    </>
  )
}

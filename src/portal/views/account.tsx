import React from 'react'

import type { PortalView } from './types.js'

import { relationId } from '../../access/index.js'
import { receiptPaymentStatuses } from '../../status/machines.js'
import { day, money } from '../format.js'
import { NewPasswordFields, Notice, StatusBadge } from './shell.js'
import { param } from './types.js'

/** Invoice numbers for a set of ids, in one query (no N+1 on list pages). */
async function invoiceNumbers(view: PortalView, ids: unknown[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.map((id) => relationId(id)).filter((id) => id !== null))]
  if (unique.length === 0) return new Map()
  const { docs } = await view.portal.payload.find({
    collection: view.portal.options.slugs.invoices,
    depth: 0,
    overrideAccess: false,
    pagination: false,
    select: { number: true },
    user: view.contact,
    where: { id: { in: unique } },
  })
  return new Map(docs.map((doc) => [String(doc.id), String(doc.number ?? doc.id)]))
}

/** The contact's latest 100 records of a collection, as the access rules let them see them. */
const latestOf = (view: PortalView, collection: string) =>
  view.portal.payload.find({ collection, depth: 0, limit: 100, overrideAccess: false, sort: '-createdAt', user: view.contact })

const InvoiceLink = ({ id, numbers, route }: { id: unknown; numbers: Map<string, string>; route: string }) => {
  const key = String(relationId(id))
  return numbers.has(key) ? <a href={`${route}/invoices/${key}`}>{numbers.get(key)}</a> : null
}

export async function PaymentsView(view: PortalView) {
  const { locale, portal, route, t } = view
  const { docs } = await latestOf(view, portal.options.slugs.payments)
  const numbers = await invoiceNumbers(view, docs.flatMap((payment) => ((payment.allocations as Array<{ invoice: unknown }>) ?? []).map((allocation) => allocation.invoice)))
  return (
    <>
      <h1>{t('payments.title')}</h1>
      {docs.length === 0 ? <Notice>{t('payments.empty')}</Notice> : (
        <table className="responsive">
          <thead><tr><th scope="col">{t('payments.date')}</th><th scope="col">{t('payments.invoices')}</th><th scope="col">{t('payments.method')}</th><th scope="col">{t('filter.status')}</th><th className="num" scope="col">{t('invoice.lineTotal')}</th><th scope="col">{t('payments.receipt')}</th></tr></thead>
          <tbody>
            {docs.map((payment) => (
              <tr key={payment.id}>
                <td data-label={t('payments.date')}><a href={`${route}/payments/${payment.id}`}>{day((payment.paidAt as string) ?? (payment.createdAt as string), locale)}</a></td>
                <td data-label={t('payments.invoices')}>
                  {((payment.allocations as Array<{ id?: string; invoice: unknown }>) ?? []).map((allocation, index) => (
                    <span key={allocation.id ?? index}>{index ? ', ' : ''}<InvoiceLink id={allocation.invoice} numbers={numbers} route={route} /></span>
                  ))}
                </td>
                <td data-label={t('payments.method')}>{String(payment.method ?? '—').replace(/_/g, ' ')}</td>
                <td data-label={t('filter.status')}><StatusBadge status={payment.status as string} view={view} /></td>
                <td className="num" data-label={t('invoice.lineTotal')}>{money(payment.amount as number, payment.currency as string, locale)}</td>
                <td data-label={t('payments.receipt')}>
                  {(receiptPaymentStatuses as readonly string[]).includes(payment.status as string) ? (
                    <a aria-label={t('download.receiptOf', { ref: `P-${payment.id}` })} download href={`${route}/api/payments/${payment.id}/receipt`}>{t('download.receipt')}</a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

export async function CreditNotesView(view: PortalView) {
  const { locale, portal, route, t } = view
  const { docs } = await latestOf(view, portal.options.slugs.creditNotes)
  const numbers = await invoiceNumbers(view, docs.map((note) => note.invoice))
  return (
    <>
      <h1>{t('creditNotes.title')}</h1>
      {docs.length === 0 ? <Notice>{t('creditNotes.empty')}</Notice> : (
        <table className="responsive">
          <thead><tr><th scope="col">{t('invoice.number')}</th><th scope="col">{t('payments.invoices')}</th><th scope="col">{t('payments.date')}</th><th scope="col">{t('creditNotes.reason')}</th><th className="num" scope="col">{t('invoice.lineTotal')}</th></tr></thead>
          <tbody>
            {docs.map((note) => (
              <tr key={note.id}>
                <td data-label={t('invoice.number')}>
                  <a aria-label={t('download.pdfOf', { name: String(note.number ?? '') })} download href={`${route}/api/credit-notes/${note.id}/pdf`}>{String(note.number ?? '')}</a> <StatusBadge status={note.status as string} view={view} />
                </td>
                <td data-label={t('payments.invoices')}><InvoiceLink id={note.invoice} numbers={numbers} route={route} /></td>
                <td data-label={t('payments.date')}>{day(note.issuedAt as string, locale)}</td>
                <td data-label={t('creditNotes.reason')}>{String(note.reason ?? '')}</td>
                <td className="num" data-label={t('invoice.lineTotal')}>{money(note.amount as number, note.currency as string, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

export async function DocumentsView(view: PortalView) {
  const { locale, portal, route, t } = view
  const { docs } = await latestOf(view, portal.options.slugs.documents)
  const numbers = await invoiceNumbers(view, docs.map((document) => document.invoice))
  return (
    <>
      <h1>{t('documents.title')}</h1>
      {/^\d+$/.test(param(view.query, 'queued')) ? <Notice kind="ok">{t('download.queued', { count: param(view.query, 'queued') })}</Notice> : null}
      {docs.length === 0 ? <Notice>{t('documents.empty')}</Notice> : (
        <table className="responsive">
          <thead><tr><th scope="col">{t('field.name')}</th><th scope="col">{t('payments.invoices')}</th><th scope="col">{t('payments.date')}</th></tr></thead>
          <tbody>
            {docs.map((document) => (
              <tr key={document.id}>
                <td data-label={t('field.name')}><a download href={`${route}/api/documents/${document.id}`}>{String(document.title)}</a></td>
                <td data-label={t('payments.invoices')}><InvoiceLink id={document.invoice} numbers={numbers} route={route} /></td>
                <td data-label={t('payments.date')}>{day(document.createdAt as string, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

const profileErrors = { name: 'field.name', passwordMismatch: 'error.passwordMismatch', passwordShort: 'error.passwordShort', wrongPassword: 'error.wrongPassword' } as const

export function ProfileView(view: PortalView) {
  const { contact, route, t } = view
  const saved = param(view.query, 'saved')
  const error = param(view.query, 'error') as keyof typeof profileErrors
  const notifications = contact.notifications ?? {}
  return (
    <>
      <h1>{t('profile.title')}</h1>
      {saved === 'details' ? <Notice kind="ok">{t('profile.saved')}</Notice> : null}
      {saved === 'password' ? <Notice kind="ok">{t('profile.passwordSaved')}</Notice> : null}
      {profileErrors[error] ? <Notice kind="error">{t(profileErrors[error])}</Notice> : null}
      <h2 id="details">{t('profile.details')}</h2>
      <form action={`${route}/api/profile`} aria-labelledby="details" className="stack" method="post">
        <label>{t('field.email')}<input autoComplete="email" defaultValue={contact.email} disabled type="email" /></label>
        <label>{t('field.name')}<input autoComplete="name" defaultValue={contact.name ?? ''} name="name" required type="text" /></label>
        <fieldset style={{ border: 0, display: 'grid', gap: 8, padding: 0 }}>
          <legend style={{ fontWeight: 600 }}>{t('profile.notifications')}</legend>
          {(['invoiceIssued', 'paymentReceived', 'reminders'] as const).map((key) => (
            <label className="check" key={key}>
              <input defaultChecked={notifications[key] !== false} name={key} type="checkbox" />
              {t(`profile.notify.${key}`)}
            </label>
          ))}
        </fieldset>
        <button type="submit">{t('action.save')}</button>
      </form>
      <h2 id="password">{t('profile.password')}</h2>
      <form action={`${route}/api/password`} aria-labelledby="password" className="stack" method="post">
        <label>{t('field.currentPassword')}<input autoComplete="current-password" name="currentPassword" required type="password" /></label>
        <NewPasswordFields t={view.t} />
        <button type="submit">{t('action.save')}</button>
      </form>
      <h2 id="two-factor">{t('twoFactor.title')}</h2>
      <p>{t(contact.twoFactor?.enabled ? 'twoFactor.enabled' : 'twoFactor.disabled')} <a href={`${route}/two-factor`}>{t('twoFactor.manage')}</a></p>
    </>
  )
}

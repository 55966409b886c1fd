import React from 'react'

import type { Contact } from '../session.js'
import type { PortalView } from './types.js'

import type { Translate } from '../i18n.js'

import { isOverdue } from '../../status/machines.js'
import { MIN_PASSWORD_LENGTH } from '../rules.js'

const navItems = [
  ['', 'nav.dashboard'],
  ['/invoices', 'nav.invoices'],
  ['/payments', 'nav.payments'],
  ['/credit-notes', 'nav.creditNotes'],
  ['/documents', 'nav.documents'],
  ['/statement', 'nav.statement'],
  ['/profile', 'nav.profile'],
] as const

export type Branding = { legalFooter?: null | string; logo?: null | string; name: string; primaryColor: string }

/** Header with brand and navigation, the page, and the legal footer. */
export function Shell({ branding, children, contact, current, view }: { branding: Branding; children: React.ReactNode; contact?: Contact; current?: string; view: Pick<PortalView, 'locale' | 'route' | 't'> }) {
  const { locale, route, t } = view
  return (
    <div lang={locale} style={{ ['--brand' as string]: branding.primaryColor }}>
      <a className="skip" href="#content">{t('nav.skip')}</a>
      <header className="top">
        <div className="top-inner">
          <a className="brand" href={route}>
            {branding.logo ? <img alt="" src={branding.logo} /> : null}
            <span>{branding.name}</span>
          </a>
          {contact ? (
            <>
              <nav aria-label={t('nav.label')} className="main">
                <ul>
                  {navItems.map(([path, key]) => (
                    <li key={key}>
                      <a aria-current={current === path ? 'page' : undefined} href={`${route}${path}`}>{t(key)}</a>
                    </li>
                  ))}
                </ul>
              </nav>
              <form action={`${route}/api/logout`} className="who" method="post">
                <span>{contact.name ?? contact.email}</span>
                <button className="link" type="submit">{t('action.logout')}</button>
              </form>
            </>
          ) : null}
        </div>
      </header>
      <main id="content" tabIndex={-1}>{children}</main>
      {branding.legalFooter ? <footer className="legal">{branding.legalFooter}</footer> : null}
    </div>
  )
}

export function Notice({ kind = 'info', children }: { children: React.ReactNode; kind?: 'error' | 'info' | 'ok' }) {
  return (
    <p className={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  )
}

export function StatusBadge({ status, view }: { status: string; view: Pick<PortalView, 't'> }) {
  return <span className={`badge ${status}`}>{view.t(`status.${status}` as never)}</span>
}

/** The invoice's status, plus "Overdue" when it is past due in the client's timezone. */
export function InvoiceStatus({ invoice, view }: { invoice: { dueDate?: null | string; status: string }; view: Pick<PortalView, 't' | 'timezone'> }) {
  return (
    <>
      <StatusBadge status={invoice.status} view={view} />
      {isOverdue(invoice, view.timezone) ? <> <StatusBadge status="overdue" view={view} /></> : null}
    </>
  )
}

/** A new password, typed twice (reset and profile forms). */
export function NewPasswordFields({ t }: { t: Translate }) {
  return (
    <>
      <label>{t('field.newPassword')}<input autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} name="password" required type="password" /></label>
      <label>{t('field.newPasswordAgain')}<input autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} name="passwordAgain" required type="password" /></label>
    </>
  )
}

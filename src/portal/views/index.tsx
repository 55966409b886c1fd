import type React from 'react'

import type { MessageKey } from '../i18n.js'
import type { PortalView } from './types.js'

import { CreditNotesView, DocumentsView, PaymentsView, ProfileView } from './account.js'
import { DashboardView } from './dashboard.js'
import { InvoiceDetailView, InvoiceListView } from './invoices.js'
import { PaymentView } from './payment.js'
import { StatementView } from './statement.js'
import { TwoFactorView } from './twoFactor.js'

type Page = {
  invoiceId?: string
  nav: string
  render: (view: PortalView) => Promise<React.ReactNode> | React.ReactNode
  /** Changes how the contact signs in: only with a recent sign-in (`portal.reauthAfterMinutes`). */
  sensitive?: boolean
  title: MessageKey
}

const pages: Record<string, Omit<Page, 'invoiceId'>> = {
  '': { nav: '', render: DashboardView, title: 'dashboard.title' },
  'credit-notes': { nav: '/credit-notes', render: CreditNotesView, title: 'creditNotes.title' },
  documents: { nav: '/documents', render: DocumentsView, title: 'documents.title' },
  invoices: { nav: '/invoices', render: InvoiceListView, title: 'invoices.title' },
  payments: { nav: '/payments', render: PaymentsView, title: 'payments.title' },
  profile: { nav: '/profile', render: ProfileView, title: 'profile.title' },
  statement: { nav: '/statement', render: StatementView, title: 'statement.title' },
  'two-factor': { nav: '/two-factor', render: TwoFactorView, sensitive: true, title: 'twoFactor.title' },
}

/** The signed-in pages by URL segments: `/`, `/invoices`, `/invoices/<id>`, …; null for anything else. */
export const AccountViews = {
  resolve(segments: string[]): null | Page {
    const [first = '', second, ...rest] = segments
    if (rest.length) return null
    if (first === 'invoices' && second) {
      return { invoiceId: second, nav: '/invoices', render: (view) => InvoiceDetailView({ ...view, invoiceId: second }), title: 'invoice.number' }
    }
    if (first === 'payments' && second) {
      return { nav: '/payments', render: (view) => PaymentView({ ...view, paymentId: second }), title: 'payments.title' }
    }
    if (second !== undefined) return null
    return pages[first] ?? null
  },
}

'use client'

import { useDocumentInfo, useFormFields } from '@payloadcms/ui'
import React from 'react'

import { StaffActionButton } from './StaffActionButton.js'

/**
 * "Send to client" in an invoice's sidebar: issues a draft and e-mails the invoice to the client's
 * billing contacts, each with a link that signs them in to it. Once sent, it says when.
 */
export function SendInvoiceButton() {
  const { id } = useDocumentInfo()
  const sentAt = useFormFields(([fields]) => fields.sentAt?.value as null | string | undefined)
  const status = useFormFields(([fields]) => fields.status?.value as string | undefined)
  if (!id || status === 'void' || status === 'uncollectible') return null
  if (sentAt) return <p data-testid="invoice-sent" style={{ marginBottom: 24 }}>Sent to the client on {sentAt.slice(0, 10)}.</p>
  return <StaffActionButton label={status === 'draft' ? 'Issue and send to client' : 'Send to client'} path={`invoices/${id}/send`} testId="send-invoice" />
}

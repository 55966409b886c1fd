'use client'

import { useConfig, useDocumentInfo, useFormFields } from '@payloadcms/ui'
import { useRouter } from 'next/navigation.js'
import React, { useState } from 'react'

/**
 * "Send to client" in an invoice's sidebar: issues a draft and e-mails the invoice to the client's
 * billing contacts, each with a link that signs them in to it. Once sent, it says when.
 */
export function SendInvoiceButton() {
  const { id } = useDocumentInfo()
  const { config } = useConfig()
  const router = useRouter()
  const sentAt = useFormFields(([fields]) => fields.sentAt?.value as null | string | undefined)
  const status = useFormFields(([fields]) => fields.status?.value as string | undefined)
  const [state, setState] = useState<{ busy: boolean; message?: string; ok?: boolean }>({ busy: false })
  if (!id || status === 'void' || status === 'uncollectible') return null
  if (sentAt) return <p data-testid="invoice-sent" style={{ marginBottom: 24 }}>Sent to the client on {sentAt.slice(0, 10)}.</p>

  const send = async () => {
    setState({ busy: true })
    const response = await fetch(`${config.serverURL}${config.routes.api}/invoice-portal/invoices/${id}/send`, { credentials: 'include', method: 'POST' })
    const body = (await response.json().catch(() => ({}))) as { errors?: Array<{ message: string }>; message?: string }
    setState({ busy: false, message: body.message ?? body.errors?.map((error) => error.message).join(' ') ?? `Sending failed (${response.status}).`, ok: response.ok })
    if (response.ok) router.refresh()
  }
  return (
    <div data-testid="send-invoice" style={{ marginBottom: 24 }}>
      <button className="btn btn--style-primary btn--size-small" disabled={state.busy} onClick={send} style={{ margin: 0 }} type="button">
        {status === 'draft' ? 'Issue and send to client' : 'Send to client'}
      </button>
      {state.message ? (
        <p role={state.ok ? 'status' : 'alert'} style={{ color: state.ok ? undefined : 'var(--theme-error-500)', marginTop: 8 }}>
          {state.message}
        </p>
      ) : null}
    </div>
  )
}

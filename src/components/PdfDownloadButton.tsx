'use client'

import { useConfig, useDocumentInfo } from '@payloadcms/ui'
import React from 'react'

/**
 * "Open PDF" and "Download PDF" in the sidebar of an invoice, credit note or payment: the staff
 * endpoint renders the same template the portal and e-mails use (a draft renders as a preview).
 * `kind` comes from the field's `admin.custom`.
 */
export function PdfDownloadButton({ field }: { field?: { admin?: { custom?: { kind?: string; label?: string } } } }) {
  const { id } = useDocumentInfo()
  const { config } = useConfig()
  const kind = field?.admin?.custom?.kind
  if (!id || !kind) return null
  const href = `${config.serverURL}${config.routes.api}/invoice-portal/pdf/${kind}/${id}`
  const label = field?.admin?.custom?.label ?? 'PDF'
  return (
    <div data-testid="pdf-download" style={{ display: 'flex', gap: 8, marginBottom: 24 }}>
      <a className="btn btn--style-secondary btn--size-small" href={href} rel="noopener" style={{ margin: 0 }} target="_blank">
        Open {label}
      </a>
      <a className="btn btn--style-secondary btn--size-small" download href={`${href}?download`} style={{ margin: 0 }}>
        Download {label}
      </a>
    </div>
  )
}

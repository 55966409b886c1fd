'use client'

import { useConfig, useDocumentInfo } from '@payloadcms/ui'
import React, { useEffect, useState } from 'react'

import { StaffActionButton } from './StaffActionButton.js'

type Overview = {
  enabled: boolean
  next: { at: string; day: string; step: string } | null
  paused: boolean
  records: Array<{ id: number | string; reason?: null | string; sentAt?: null | string; status: string; step: string }>
  remindable: boolean
  timezone: string
}

const stepName = (step: string) => (step.startsWith('manual:') ? 'Sent by hand' : step === '0' ? 'On the due date' : `${step.replace(/^[+-]/, '')} days ${step.startsWith('-') ? 'before' : 'after'} due`)

/**
 * The invoice's reminders in its sidebar: each step sent or skipped (and why), the next one planned
 * in the client's time, and "Send reminder now".
 */
export function InvoiceReminders() {
  const { id } = useDocumentInfo()
  const { config } = useConfig()
  const [overview, setOverview] = useState<Overview | null>(null)
  const [version, setVersion] = useState(0)
  useEffect(() => {
    if (!id) return
    void fetch(`${config.serverURL}${config.routes.api}/invoice-portal/invoices/${id}/reminders`, { credentials: 'include' })
      .then((response) => (response.ok ? (response.json() as Promise<Overview>) : null))
      .then(setOverview)
  }, [id, config, version])
  if (!id || !overview) return null
  return (
    <section aria-label="Reminders" data-testid="invoice-reminders" style={{ marginBottom: 24 }}>
      <h4 style={{ marginBottom: 8 }}>Reminders</h4>
      {overview.records.length === 0 ? <p>None sent yet.</p> : null}
      <ul style={{ margin: '0 0 8px', paddingLeft: 18 }}>
        {overview.records.map((record) => (
          <li data-testid="reminder-record" key={record.id}>
            {stepName(record.step)}: {record.status}
            {record.sentAt ? ` ${record.sentAt.slice(0, 16).replace('T', ' ')} UTC` : ''}
            {record.reason ? ` (${record.reason.replace(/_/g, ' ')})` : ''}
          </li>
        ))}
      </ul>
      <p data-testid="reminder-next">
        {!overview.remindable
          ? 'Nothing to remind of.'
          : !overview.enabled
            ? 'Reminders are switched off in the settings.'
            : overview.paused
              ? "Paused for this client."
              : overview.next
                ? `Next: ${stepName(overview.next.step)}, ${overview.next.day} (${overview.timezone}).`
                : 'No more steps planned.'}
      </p>
      {overview.remindable ? <StaffActionButton label="Send reminder now" onDone={() => setVersion((value) => value + 1)} path={`invoices/${id}/reminders`} testId="send-reminder" /> : null}
    </section>
  )
}

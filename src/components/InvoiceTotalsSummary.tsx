'use client'

import { useFormFields } from '@payloadcms/ui'
import React from 'react'

import { isCurrency } from '../money/currencies.js'
import { formatMoney } from '../money/format.js'

const rows = [
  ['subtotal', 'Subtotal'],
  ['taxTotal', 'Tax'],
  ['total', 'Total'],
  ['amountPaid', 'Paid'],
  ['amountCredited', 'Credited'],
  ['amountDue', 'Amount due'],
] as const

/**
 * The invoice's derived amounts in its own currency, as staff read them ("€1,234.56"), above the raw
 * minor-unit fields. Shows the saved values: totals are computed on the server when the invoice is saved.
 */
export function InvoiceTotalsSummary() {
  const values = useFormFields(([fields]) => ({
    currency: fields.currency?.value,
    ...Object.fromEntries(rows.map(([name]) => [name, fields[name]?.initialValue])),
  })) as Record<string, unknown>
  const currency = typeof values.currency === 'string' && isCurrency(values.currency) ? values.currency : null
  if (!currency) return null
  return (
    <dl data-testid="invoice-totals-summary" style={{ display: 'grid', gap: '4px 24px', gridTemplateColumns: 'max-content max-content', marginBottom: 24 }}>
      {rows.map(([name, label]) => {
        const amount = values[name]
        return (
          <React.Fragment key={name}>
            <dt style={{ fontWeight: name === 'total' || name === 'amountDue' ? 600 : 400 }}>{label}</dt>
            <dd data-testid={`summary-${name}`} style={{ fontVariantNumeric: 'tabular-nums', margin: 0, textAlign: 'right' }}>
              {typeof amount === 'number' && Number.isSafeInteger(amount) ? formatMoney(amount, currency, 'en') : '—'}
            </dd>
          </React.Fragment>
        )
      })}
    </dl>
  )
}

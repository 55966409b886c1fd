'use client'

import { useDocumentInfo, useFormFields } from '@payloadcms/ui'
import React from 'react'

import { StaffActionButton } from './StaffActionButton.js'

/** "Retry now" on an outbound delivery that has not been delivered. */
export function RetryDeliveryButton() {
  const { id } = useDocumentInfo()
  const status = useFormFields(([fields]) => fields.status?.value as string | undefined)
  if (!id || status === 'delivered') return null
  return <StaffActionButton label="Retry now" path={`webhook-deliveries/${id}/retry`} testId="retry-delivery" />
}

'use client'

import { useConfig, useListQuery } from '@payloadcms/ui'
import { stringify } from 'qs-esm'
import React from 'react'

/**
 * "Export CSV" above the audit log's list: the export endpoint with the filter the list shows now
 * (client, contact, invoice, type, date, as set in the list's filter controls).
 */
export function AuditExportButton() {
  const { config } = useConfig()
  const { query } = useListQuery()
  const search = query?.where && Object.keys(query.where).length > 0 ? `?${stringify({ where: query.where }, { addQueryPrefix: false })}` : ''
  return (
    <div data-testid="audit-export" style={{ marginBottom: 16 }}>
      <a className="btn btn--style-secondary btn--size-small" download href={`${config.serverURL}${config.routes.api}/invoice-portal/audit-export.csv${search}`} style={{ margin: 0 }}>
        Export CSV
      </a>
    </div>
  )
}

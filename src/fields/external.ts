import type { Field } from 'payload'

import type { PortalAccess } from '../access/index.js'

/** The id a record has in the ERP or accounting system; internal, so staff-only. */
export function externalIdField(access: PortalAccess, unique = true): Field {
  return {
    name: 'externalId',
    type: 'text',
    access: { create: access.staffField, read: access.staffField, update: access.staffField },
    admin: { description: 'Id in the ERP or accounting system.', position: 'sidebar' },
    index: !unique,
    unique,
  }
}

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

/**
 * The ERP's version of the record, which grows with every change there: a push whose version is not
 * newer than this one changes nothing, so late or repeated pushes can't roll a record back.
 */
export function externalVersionField(access: PortalAccess): Field {
  return {
    name: 'externalVersion',
    type: 'number',
    access: { create: access.staffField, read: access.staffField, update: access.staffField },
    admin: { position: 'sidebar' },
  }
}

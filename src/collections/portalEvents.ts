import type { CollectionConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { portalEventTypes } from '../hooks/audit.js'

/** The audit log: appended by the plugin's own code only, never changed or deleted by anyone. */
export function createPortalEventsCollection({ access, options }: PluginContext): CollectionConfig {
  return {
    slug: options.slugs.portalEvents,
    access: access.portalEvents,
    admin: {
      // Filtered by client, contact, invoice, type and date with the list's own controls; exported as they filter.
      components: { beforeListTable: ['payload-invoice-portal/client#AuditExportButton'] },
      defaultColumns: ['createdAt', 'type', 'client', 'contact', 'invoice'],
      group: 'Billing',
    },
    defaultSort: '-createdAt',
    fields: [
      { name: 'type', type: 'select', index: true, options: [...portalEventTypes], required: true },
      { name: 'client', type: 'relationship', index: true, relationTo: options.slugs.clients },
      { name: 'contact', type: 'relationship', index: true, relationTo: options.slugs.contacts },
      { name: 'invoice', type: 'relationship', index: true, relationTo: options.slugs.invoices },
      { name: 'actor', type: 'text', access: { read: access.staffField }, admin: { description: 'collection:id of who acted, or system.' } },
      { name: 'ip', type: 'text', access: { read: access.staffField } },
      { name: 'userAgent', type: 'text', access: { read: access.staffField } },
      { name: 'details', type: 'json' },
    ],
    // A client's latest events, for the portal's dashboard.
    indexes: [{ fields: ['client', 'createdAt'] }],
    timestamps: true,
  }
}

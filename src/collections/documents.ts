import type { CollectionConfig } from 'payload'

import path from 'node:path'

import type { PluginContext } from '../utilities/context.js'

/** Files shared with a client (contracts, timesheets); a contact sees one only when it is shared. */
export function createDocumentsCollection({ access, options }: PluginContext): CollectionConfig {
  return {
    slug: options.slugs.documents,
    access: access.documents,
    admin: { defaultColumns: ['title', 'client', 'invoice', 'visibleToClient'], group: 'Billing', useAsTitle: 'title' },
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'client', type: 'relationship', index: true, relationTo: options.slugs.clients, required: true },
      { name: 'invoice', type: 'relationship', index: true, relationTo: options.slugs.invoices },
      {
        name: 'visibleToClient',
        type: 'checkbox',
        admin: { description: "Shown in the client's portal when on.", position: 'sidebar' },
        defaultValue: false,
        index: true,
      },
    ],
    upload: {
      mimeTypes: ['application/pdf', 'image/*', 'text/plain', 'text/csv', 'application/zip',
        'application/vnd.openxmlformats-officedocument.*', 'application/msword', 'application/vnd.ms-excel'],
      staticDir: options.documentsStaticDir ?? path.resolve(process.cwd(), 'invoice-portal-documents'),
    },
  }
}

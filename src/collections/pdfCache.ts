import type { CollectionConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

/** 48 MB of PDF, in base64. */
const MAX_PDF_BASE64 = 64 * 1024 * 1024

/**
 * Rendered PDFs, shared by every app instance. The key is a hash of everything the PDF shows plus the
 * template version (pdf/cache.ts), so an entry is never stale: a changed document simply has a new key,
 * and the entry of its previous version is removed when the new one is stored.
 */
export function createPdfCacheCollection({ access, options }: PluginContext): CollectionConfig {
  return {
    slug: options.slugs.pdfCache,
    access: access.pdfCache,
    admin: { defaultColumns: ['subject', 'size', 'createdAt'], group: 'Billing', hidden: true },
    fields: [
      { name: 'key', type: 'text', required: true, unique: true },
      { name: 'subject', type: 'text', admin: { description: 'kind:id of the document the PDF shows.' }, index: true, required: true },
      { name: 'size', type: 'number', required: true },
      // Payload caps text at 40,000 characters by default (defaultMaxTextLength): a 30 kB PDF in base64.
      { name: 'data', type: 'textarea', admin: { description: 'The PDF, base64.' }, maxLength: MAX_PDF_BASE64, required: true },
    ],
  }
}

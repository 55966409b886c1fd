export { createPortalLayout } from '../portal/layout.js'
export { createPortalNotFound, createPortalPage } from '../portal/page.js'
export type { PortalPageProps } from '../portal/page.js'
export { invoiceQueryString, parseInvoiceQuery } from '../portal/filters.js'

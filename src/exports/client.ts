export { InvoiceTotalsSummary } from '../components/InvoiceTotalsSummary.js'
export { PdfDownloadButton } from '../components/PdfDownloadButton.js'
export { SendInvoiceButton } from '../components/SendInvoiceButton.js'
export { RetryDeliveryButton } from '../components/RetryDeliveryButton.js'

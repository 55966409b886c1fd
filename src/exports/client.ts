export { InvoiceTotalsSummary } from '../components/InvoiceTotalsSummary.js'

import { PdfDownloadButton as PdfDownloadButton_8b12a63198dbaa8a39ddadcc77b44768 } from 'payload-invoice-portal/client'
import { SendInvoiceButton as SendInvoiceButton_8b12a63198dbaa8a39ddadcc77b44768 } from 'payload-invoice-portal/client'
import { InvoiceTotalsSummary as InvoiceTotalsSummary_8b12a63198dbaa8a39ddadcc77b44768 } from 'payload-invoice-portal/client'
import { InvoiceReminders as InvoiceReminders_8b12a63198dbaa8a39ddadcc77b44768 } from 'payload-invoice-portal/client'
import { RetryDeliveryButton as RetryDeliveryButton_8b12a63198dbaa8a39ddadcc77b44768 } from 'payload-invoice-portal/client'
import { AuditExportButton as AuditExportButton_8b12a63198dbaa8a39ddadcc77b44768 } from 'payload-invoice-portal/client'
import { CollectionCards as CollectionCards_f9c02e79a4aed9a3924487c0cd4cafb1 } from '@payloadcms/next/rsc'

/** @type import('payload').ImportMap */
export const importMap = {
  "payload-invoice-portal/client#PdfDownloadButton": PdfDownloadButton_8b12a63198dbaa8a39ddadcc77b44768,
  "payload-invoice-portal/client#SendInvoiceButton": SendInvoiceButton_8b12a63198dbaa8a39ddadcc77b44768,
  "payload-invoice-portal/client#InvoiceTotalsSummary": InvoiceTotalsSummary_8b12a63198dbaa8a39ddadcc77b44768,
  "payload-invoice-portal/client#InvoiceReminders": InvoiceReminders_8b12a63198dbaa8a39ddadcc77b44768,
  "payload-invoice-portal/client#RetryDeliveryButton": RetryDeliveryButton_8b12a63198dbaa8a39ddadcc77b44768,
  "payload-invoice-portal/client#AuditExportButton": AuditExportButton_8b12a63198dbaa8a39ddadcc77b44768,
  "@payloadcms/next/rsc#CollectionCards": CollectionCards_f9c02e79a4aed9a3924487c0cd4cafb1
}

import type { Portal } from '../portal/context.js'

import { cachedPdf, type PdfResult } from './cache.js'
import { creditNotePdfJob, invoicePdfJob, type LoadedPdf, type PdfViewer, receiptPdfJob, type StatementRequest, statementPdfJob } from './data.js'

export type { PdfViewer, StatementRequest } from './data.js'

/** The PDFs that belong to one stored document, by the name used in URLs. */
export const documentPdfLoaders = {
  'credit-notes': creditNotePdfJob,
  invoices: invoicePdfJob,
  receipts: receiptPdfJob,
} as const
export type DocumentPdfKind = keyof typeof documentPdfLoaders

export type DocumentPdf = PdfResult & { filename: string; loaded: LoadedPdf }

async function finish(portal: Portal, loaded: LoadedPdf | null): Promise<DocumentPdf | null> {
  if (!loaded) return null
  return { ...(await cachedPdf(portal, loaded)), filename: loaded.filename, loaded }
}

/** A document's PDF as `viewer` may see it; null when there is no such document for them. */
export async function documentPdf(portal: Portal, kind: DocumentPdfKind, id: number | string, viewer: PdfViewer): Promise<DocumentPdf | null> {
  return finish(portal, await documentPdfLoaders[kind](portal, id, viewer))
}

export async function statementPdf(portal: Portal, request: StatementRequest, viewer: PdfViewer): Promise<DocumentPdf | null> {
  return finish(portal, await statementPdfJob(portal, request, viewer))
}

/**
 * A PDF ready for `payload.sendEmail({ attachments })` (nodemailer's shape): the same bytes as the
 * download, from the same cache.
 */
export async function pdfAttachment(portal: Portal, kind: DocumentPdfKind, id: number | string) {
  const result = await documentPdf(portal, kind, id, 'system')
  return result && { content: result.pdf, contentType: 'application/pdf', filename: result.filename }
}

/** `inline` opens in the browser's viewer; otherwise the browser saves the file. */
export function pdfResponse(filename: string, pdf: Buffer, inline = false): Response {
  const ascii = filename.replace(/[^\w.-]/g, '_')
  return new Response(new Uint8Array(pdf.buffer as ArrayBuffer, pdf.byteOffset, pdf.byteLength), {
    headers: {
      'Cache-Control': 'private, no-store',
      'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
      'Content-Length': String(pdf.byteLength),
      'Content-Type': 'application/pdf',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}

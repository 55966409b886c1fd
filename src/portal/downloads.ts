import type { LoadedPdf } from '../pdf/data.js'
import type { Portal } from './context.js'
import type { Contact } from './session.js'

import { relationId } from '../access/index.js'
import { recordEvent } from '../hooks/audit.js'
import { cachedPdf } from '../pdf/cache.js'
import { statementPdfJob } from '../pdf/data.js'
import { type DocumentPdfKind, documentPdfLoaders, pdfResponse } from '../pdf/index.js'
import { authoriseZipSelection, invoiceZipStream, ZipSelectionError } from '../pdf/zip.js'
import { JOBS_QUEUE } from '../jobs/queue.js'
import { ZIP_TASK } from '../jobs/zipTask.js'
import { calendarDay } from '../status/machines.js'
import { documentId } from './context.js'
import { type InvoiceQuery, invoiceQueryString, invoiceWhere, isDay, parseInvoiceQuery } from './filters.js'
import { afterResponse } from './afterResponse.js'
import { eventRequest, notFound, seeOther } from './responses.js'

/**
 * The portal's PDF and ZIP downloads. Each is read as the signed-in contact (the access rules decide
 * what exists for them), and each is written to the audit log.
 */
type Download = { contact: Contact; portal: Portal; request: Request }

/**
 * Serves a loaded document: the client's portal must still be on (read from the client the loader
 * already has, so no extra query), and the audit write follows the response.
 */
async function serve(download: Download, loaded: LoadedPdf, event: Parameters<typeof recordEvent>[2], inline = false): Promise<Response> {
  if (loaded.client.portalEnabled === false) return seeOther(`${download.portal.options.portal.route}/login?error=disabled`)
  const { pdf } = await cachedPdf(download.portal, loaded)
  afterResponse(download.portal.payload, () => audit(download, event))
  return pdfResponse(loaded.filename, pdf, inline)
}

async function audit(download: Download, event: Parameters<typeof recordEvent>[2]) {
  const { contact, portal, request } = download
  await recordEvent(portal, await eventRequest(portal, request, contact), { client: contact.client, contact: contact.id, ...event })
}

/** URL segment → the PDF it names: `invoices/<id>/pdf`, `credit-notes/<id>/pdf`, `payments/<id>/receipt`. */
const documentRoutes: Record<string, { kind: DocumentPdfKind; suffix: string }> = {
  'credit-notes': { kind: 'credit-notes', suffix: 'pdf' },
  invoices: { kind: 'invoices', suffix: 'pdf' },
  payments: { kind: 'receipts', suffix: 'receipt' },
}

export function isDocumentPdfPath(segments: string[]): boolean {
  const [collection, id, suffix] = segments
  return segments.length === 3 && Boolean(id) && documentRoutes[collection]?.suffix === suffix
}

/** A PDF download of any kind: a document's (above) or the statement (`statement`). */
export const isPdfDownload = (segments: string[]) => isDocumentPdfPath(segments) || (segments.length === 1 && segments[0] === 'statement')

export async function downloadDocumentPdf(download: Download, segments: string[]): Promise<Response> {
  const { contact, portal, request } = download
  const { kind } = documentRoutes[segments[0]]
  const id = documentId(portal, segments[1])
  const loaded = id === null ? null : await documentPdfLoaders[kind](portal, id, contact)
  if (!loaded) return notFound()
  const event = {
    details: { file: loaded.filename, kind: loaded.job.content.kind, [kind === 'receipts' ? 'payment' : 'document']: loaded.subject.id },
    invoice: kind === 'invoices' ? loaded.subject.id : undefined,
    type: 'pdf_downloaded' as const,
  }
  return serve(download, loaded, event, new URL(request.url).searchParams.has('inline'))
}

/** A statement for a period (default: this calendar year so far) in one currency (default: the client's). */
export async function downloadStatement(download: Download): Promise<Response> {
  const { contact, portal, request } = download
  const params = new URL(request.url).searchParams
  const client = relationId(contact.client)!
  const { timezone } = (await portal.payload.findByID({ collection: portal.options.slugs.clients, depth: 0, id: client, select: { timezone: true } })) as { timezone?: string }
  const today = calendarDay(new Date(), timezone || 'UTC')
  const from = params.get('from') || `${today.slice(0, 4)}-01-01`
  const to = params.get('to') || today
  const currency = params.get('currency')?.toUpperCase() || undefined
  if (!isDay(from) || !isDay(to) || from > to || (currency && !/^[A-Z]{3}$/.test(currency))) {
    return seeOther(`${portal.options.portal.route}/statement?${new URLSearchParams({ error: 'invalid', from, to })}`)
  }
  const loaded = await statementPdfJob(portal, { client, currency, from, to }, contact)
  if (!loaded) return notFound()
  const shown = loaded.job.content.kind === 'statement' ? loaded.job.content.currency : currency
  return serve(download, loaded, { details: { currency: shown, from, to }, type: 'statement_downloaded' })
}

/**
 * The invoices a ZIP form names: the ticked `ids`, or with `scope=filter` every invoice that the
 * list's current filters match.
 */
async function selectedIds(download: Download, form: FormData, query: InvoiceQuery): Promise<Array<number | string>> {
  const { contact, portal } = download
  if (form.get('scope') !== 'filter') {
    return form
      .getAll('ids')
      .map((value) => documentId(portal, String(value)))
      .filter((id): id is number | string => id !== null)
  }
  const client = (await portal.payload.findByID({ collection: portal.options.slugs.clients, depth: 0, id: relationId(contact.client)!, select: { currency: true, timezone: true } })) as { currency?: string; timezone?: string }
  const { docs } = await portal.payload.find({
    collection: portal.options.slugs.invoices,
    depth: 0,
    limit: portal.options.pdf.zipMaxInvoices + 1,
    overrideAccess: false,
    pagination: false,
    select: { id: true },
    user: contact,
    where: invoiceWhere(query, client, calendarDay(new Date(), client.timezone || 'UTC')),
  })
  return docs.map((doc) => doc.id)
}

/**
 * Streams the selected invoices as one ZIP, or, beyond `documents.zipJobThreshold`, queues a job that
 * shares the ZIP under Documents. The whole selection is checked first: one invoice that is not the
 * contact's and nothing is sent.
 */
export async function downloadZip(download: Download, form: FormData): Promise<Response> {
  const { contact, portal } = download
  const route = portal.options.portal.route
  // The list's filters travel with the form: they select with scope=filter, and lead back to the list.
  const query = parseInvoiceQuery(Object.fromEntries([...form.entries()].filter(([, value]) => typeof value === 'string')) as Record<string, string>)
  let ids: Array<number | string>
  try {
    ids = await authoriseZipSelection(portal, await selectedIds(download, form, query), contact)
  } catch (error) {
    if (!(error instanceof ZipSelectionError)) throw error
    if (error.reason === 'notFound') return notFound()
    const back = invoiceQueryString(query)
    return seeOther(`${route}/invoices${back}${back ? '&' : '?'}zip=${error.reason}`)
  }
  if (ids.length > portal.options.pdf.zipJobThreshold) {
    await portal.payload.jobs.queue({ input: { contact: String(contact.id), ids }, queue: JOBS_QUEUE, task: ZIP_TASK as never })
    await audit(download, { details: { count: ids.length, queued: true }, type: 'zip_downloaded' })
    return seeOther(`${route}/documents?queued=${ids.length}`)
  }
  await audit(download, { details: { count: ids.length, invoices: ids.slice(0, 500) }, type: 'zip_downloaded' })
  const day = new Date().toISOString().slice(0, 10)
  return new Response(invoiceZipStream(portal, ids, contact), {
    headers: {
      'Cache-Control': 'private, no-store',
      'Content-Disposition': `attachment; filename="invoices-${day}.zip"`,
      'Content-Type': 'application/zip',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}

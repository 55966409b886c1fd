import { ZipArchive } from 'archiver'
import { once } from 'node:events'
import { Readable } from 'node:stream'

import type { Portal } from '../portal/context.js'
import type { PdfViewer } from './data.js'

import { cachedPdf } from './cache.js'
import { invoicePdfJob, rightsOf } from './data.js'
import { pdfPoolOf } from './pool.js'

export type ZipSelection = { ids: Array<number | string> }

export class ZipSelectionError extends Error {
  constructor(
    readonly reason: 'none' | 'notFound' | 'tooMany',
    message: string,
  ) {
    super(message)
  }
}

/**
 * Checks the whole selection before a byte is sent: every id must be an invoice the viewer may see.
 * An id of another client's invoice is answered exactly like one that does not exist.
 */
export async function authoriseZipSelection(portal: Portal, ids: Array<number | string>, viewer: PdfViewer): Promise<Array<number | string>> {
  const unique = [...new Map(ids.map((id) => [String(id), id])).values()]
  if (unique.length === 0) throw new ZipSelectionError('none', 'Select at least one invoice.')
  const max = portal.options.pdf.zipMaxInvoices
  if (unique.length > max) throw new ZipSelectionError('tooMany', `Select at most ${max} invoices at once.`)
  const { docs } = await portal.payload.find({
    collection: portal.options.slugs.invoices,
    depth: 0,
    pagination: false,
    select: { number: true },
    sort: 'number',
    where: { id: { in: unique } },
    ...rightsOf(viewer),
  })
  if (docs.length !== unique.length) throw new ZipSelectionError('notFound', 'One or more of the selected invoices do not exist.')
  return docs.map((doc) => doc.id)
}

/**
 * Fills a ZIP with the invoices' PDFs in order. At most one PDF per worker is rendered ahead, and
 * the next is appended only once archiver has taken the previous one, so memory stays bounded
 * however slowly the receiver reads.
 */
async function fillArchive(portal: Portal, archive: ZipArchive, ids: Array<number | string>, viewer: PdfViewer) {
  const ahead = Math.max(1, pdfPoolOf(portal).info().size)
  const pdfOf = async (id: number | string) => {
    const loaded = await invoicePdfJob(portal, id, viewer)
    if (!loaded) throw new Error(`Invoice ${id} is no longer available`)
    return { filename: loaded.filename, pdf: (await cachedPdf(portal, loaded)).pdf }
  }
  const pending = ids.slice(0, ahead).map(pdfOf)
  for (let index = 0; index < ids.length; index += 1) {
    const { filename, pdf } = await pending[index]
    if (index + ahead < ids.length) pending.push(pdfOf(ids[index + ahead]))
    const taken = once(archive, 'entry')
    archive.append(pdf, { name: filename })
    await taken
    // Each PDF is held only until archiver has taken it.
    delete pending[index]
  }
  await archive.finalize()
}

/** PDFs are already compressed; storing them keeps the ZIP step almost free. */
const newArchive = () => new ZipArchive({ store: true })

/** A ZIP streamed as it is built: for a download straight to the browser. */
export function invoiceZipStream(portal: Portal, ids: Array<number | string>, viewer: PdfViewer): ReadableStream<Uint8Array> {
  const archive = newArchive()
  fillArchive(portal, archive, ids, viewer).catch((error: unknown) => {
    portal.payload.logger.error({ err: error, msg: 'payload-invoice-portal: ZIP download stopped' })
    archive.destroy(error instanceof Error ? error : new Error(String(error)))
  })
  return Readable.toWeb(archive) as ReadableStream<Uint8Array>
}

/** A ZIP written to a file: for the background job that builds very large selections. */
export async function writeInvoiceZip(portal: Portal, ids: Array<number | string>, viewer: PdfViewer, destination: NodeJS.WritableStream): Promise<void> {
  const archive = newArchive()
  archive.pipe(destination)
  const closed = once(destination, 'close')
  await fillArchive(portal, archive, ids, viewer)
  await closed
}

import { createHash } from 'node:crypto'

import type { Portal } from '../portal/context.js'
import type { LoadedPdf } from './data.js'

import { type PdfJob, TEMPLATE_VERSION } from './model.js'
import { pdfPoolOf } from './pool.js'

/** The PDF's identity: everything it shows (document, branding, language) and the template version. */
export function pdfCacheKey(job: PdfJob): string {
  return createHash('sha256').update(TEMPLATE_VERSION).update('\0').update(JSON.stringify(job)).digest('hex')
}

const MEMORY_BYTES = 32 * 1024 * 1024
const memory = new Map<string, Buffer>()
let memoryBytes = 0
const inFlight = new Map<string, Promise<Buffer>>()

function remember(key: string, pdf: Buffer) {
  if (memory.has(key) || pdf.byteLength > MEMORY_BYTES / 8) return
  memory.set(key, pdf)
  memoryBytes += pdf.byteLength
  for (const [oldest, buffer] of memory) {
    if (memoryBytes <= MEMORY_BYTES) break
    memory.delete(oldest)
    memoryBytes -= buffer.byteLength
  }
}

function recall(key: string): Buffer | undefined {
  const pdf = memory.get(key)
  if (pdf) {
    // Map order is the LRU order: a hit moves to the back.
    memory.delete(key)
    memory.set(key, pdf)
  }
  return pdf
}

/** Drafts change with every edit and only staff preview them: their PDFs are rendered, never stored. */
const isDraft = (loaded: LoadedPdf) => 'status' in loaded.job.content && loaded.job.content.status === 'draft'

export type PdfResult = { pdf: Buffer; source: 'database' | 'memory' | 'render' }

/**
 * The PDF of a loaded document: from this process's memory, else the shared database cache, else
 * rendered by the worker pool and stored. Concurrent requests for one PDF share one render.
 */
export async function cachedPdf(portal: Portal, loaded: LoadedPdf): Promise<PdfResult> {
  const key = pdfCacheKey(loaded.job)
  const hit = recall(key)
  if (hit) return { pdf: hit, source: 'memory' }
  if (isDraft(loaded)) return { pdf: await pdfPoolOf(portal).render(loaded.job), source: 'render' }
  const { payload } = portal
  const collection = portal.options.slugs.pdfCache
  const { docs } = await payload.find({ collection, depth: 0, limit: 1, pagination: false, select: { data: true }, where: { key: { equals: key } } })
  if (docs[0]) {
    const pdf = Buffer.from(String(docs[0].data), 'base64')
    remember(key, pdf)
    return { pdf, source: 'database' }
  }
  let render = inFlight.get(key)
  if (!render) {
    render = renderAndStore(portal, loaded, key).finally(() => inFlight.delete(key))
    inFlight.set(key, render)
  }
  return { pdf: await render, source: 'render' }
}

async function renderAndStore(portal: Portal, loaded: LoadedPdf, key: string): Promise<Buffer> {
  const { payload } = portal
  const collection = portal.options.slugs.pdfCache
  const pdf = await pdfPoolOf(portal).render(loaded.job)
  const subject = `${loaded.subject.kind}:${loaded.subject.id}`
  try {
    await payload.create({ collection, data: { data: pdf.toString('base64'), key, size: pdf.byteLength, subject }, depth: 0 })
    // The previous versions of this document's PDF can never be asked for again.
    await payload.delete({ collection, depth: 0, where: { and: [{ subject: { equals: subject } }, { key: { not_equals: key } }] } })
  } catch (error) {
    // Another instance storing the same key first (unique) is expected; anything else is worth knowing.
    // Either way the PDF is good and is served.
    const raced = (error as { data?: { errors?: Array<{ path?: string }> } }).data?.errors?.some((problem) => problem.path === 'key')
    payload.logger[raced ? 'debug' : 'warn']({ err: error, msg: `payload-invoice-portal: PDF of ${subject} not stored in the cache` })
  }
  remember(key, pdf)
  return pdf
}

/** For tests and benchmarks: forget this process's cached PDFs (the database cache stays). */
export function clearPdfMemoryCache(): void {
  memory.clear()
  memoryBytes = 0
}

/**
 * Parts 3 and 5 of `npm run bench:pdf`, run by bench/pdf.ts in a process of its own: the Payload app
 * (dev config, NODE_ENV=production, so no schema push: the seed step pushed it) on the benchmark's
 * database, as a server process holds it, with the plugin's shared PDF pool. Its RSS and peak RSS are
 * then the app's and the pool's, not raised by the parent's in-thread renders.
 *
 *  3. Cached re-download through the portal's real route handler (createPortalRouteHandlers, called
 *     in-process with a signed-in contact's cookie, as test/helpers/portal.ts does), warmed up as a
 *     server is by its traffic (1,000 downloads: Payload's read path is long and V8 optimises it only
 *     after many calls), the bare cachedPdf() memory and database hits, and the route's main parts
 *     timed alone (session, loader, and the audit write that follows the response).
 *  5. A ZIP of the selected invoices through writeInvoiceZip, as the ZIP job calls it: cold, warm
 *     from memory, warm from the database.
 *
 * Input in the environment (set by bench/pdf.ts): BENCH_DATABASE_URI, BENCH_PDF_SCRATCH (a directory),
 * BENCH_PDF_APP_INPUT (JSON: contact, downloadId, zipIds, counts). Prints `BENCH_PDF_APP_RESULT <json>`.
 */
import { execFileSync } from 'node:child_process'
import { createWriteStream, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { createLocalReq, getPayload } from 'payload'

import { createDevConfig } from '../../dev/config.js'
import { recordEvent } from '../../src/hooks/audit.js'
import { cachedPdf, clearPdfMemoryCache } from '../../src/pdf/cache.js'
import { invoicePdfJob } from '../../src/pdf/data.js'
import { sharedPdfPool } from '../../src/pdf/pool.js'
import { authoriseZipSelection, writeInvoiceZip } from '../../src/pdf/zip.js'
import { loadPortal } from '../../src/portal/context.js'
import { afterResponseSettled } from '../../src/portal/afterResponse.js'
import { createPortalRouteHandlers } from '../../src/portal/handlers.js'
import { authenticate } from '../../src/portal/session.js'
import { portalClient } from '../../test/helpers/portal.js'
import { checkPdf, peakRssMb, resetPeakRss, rssMb, rssSampler, stats } from './util.js'

const databaseUri = process.env.BENCH_DATABASE_URI
const scratch = process.env.BENCH_PDF_SCRATCH
const input = JSON.parse(process.env.BENCH_PDF_APP_INPUT ?? 'null') as null | {
  contact: { email: string; id: number; password: string }
  counts: { downloadTimed: number; downloadWarmup: number }
  downloadId: number
  zipIds: number[]
}
if (!databaseUri || !scratch || !input) throw new Error('bench/pdf/app.ts is run by bench/pdf.ts (BENCH_DATABASE_URI, BENCH_PDF_SCRATCH, BENCH_PDF_APP_INPUT)')
const { counts, downloadId, zipIds } = input
const clientName = 'Ĳzerhandel Öztürk B.V.'

const config = createDevConfig({ databaseUri, seed: false })
const payload = await getPayload({ config })
const portal = await loadPortal(config)
// From the process's start: imports (tsx compiling the sources) and getPayload.
const appSeconds = performance.now() / 1000
const appRssMb = rssMb()

// 3. Cached re-download.
const signedIn = await portalClient(config).signIn(input.contact.email, input.contact.password)
const cookie = signedIn.cookie!
const { GET } = createPortalRouteHandlers(config)
const downloadUrl = `http://localhost${portal.options.portal.route}/api/invoices/${downloadId}/pdf`
// Each download starts once the previous one's audit write (after the response) is done, as a person's
// next click would: the time is the response's alone, on a server with nothing else to do.
const download = async () => {
  await afterResponseSettled()
  const since = performance.now()
  const response = await GET(new Request(downloadUrl, { headers: { cookie } }))
  const body = new Uint8Array(await response.arrayBuffer())
  const elapsed = performance.now() - since
  if (response.status !== 200 || response.headers.get('content-type') !== 'application/pdf') throw new Error(`GET ${downloadUrl}: ${response.status} ${response.headers.get('content-type')}`)
  return { body, ms: elapsed }
}
const firstDownload = await download()
const downloadCheck = checkPdf(firstDownload.body, path.join(scratch, 'portal-download.pdf'), clientName)
for (let index = 0; index < counts.downloadWarmup; index += 1) await download()
const routeSamples: number[] = []
for (let index = 0; index < counts.downloadTimed; index += 1) {
  const { body, ms } = await download()
  if (body.byteLength !== firstDownload.body.byteLength) throw new Error('a cached re-download differs from the first download')
  routeSamples.push(ms)
}

const timeEach = async (n: number, work: () => Promise<unknown>, before?: () => void) => {
  const samples: number[] = []
  for (let index = 0; index < n; index += 1) {
    before?.()
    const since = performance.now()
    await work()
    samples.push(performance.now() - since)
  }
  return stats(samples)
}
const loaded = (await invoicePdfJob(portal, downloadId, 'system'))!
const expectSource = (source: string) => async () => {
  const result = await cachedPdf(portal, loaded)
  if (result.source !== source) throw new Error(`cachedPdf answered from ${result.source}, expected ${source}`)
}
await timeEach(counts.downloadWarmup, expectSource('memory'))
const memoryHit = await timeEach(counts.downloadTimed, expectSource('memory'))
const databaseHit = await timeEach(counts.downloadTimed, expectSource('database'), clearPdfMemoryCache)
const contact = (await authenticate(portal, signedIn.session))!
const session = await timeEach(counts.downloadTimed, async () => {
  if (!(await authenticate(portal, signedIn.session))) throw new Error('the session did not authenticate')
})
const loader = await timeEach(counts.downloadTimed, async () => {
  if (!(await invoicePdfJob(portal, downloadId, contact))) throw new Error('the loader found no invoice')
})
// The route's audit write, as downloads.ts makes it: a local request for the contact, then the event.
const headers = new Headers({ cookie })
const auditWrite = await timeEach(counts.downloadTimed, async () => {
  const req = await createLocalReq({ req: { headers } as never, user: contact as never }, payload)
  await recordEvent(portal, req, { client: contact.client, contact: contact.id, details: { document: downloadId, file: loaded.filename, kind: 'invoice' }, invoice: downloadId, type: 'pdf_downloaded' })
})

// 5. ZIP.
const contactDoc = await payload.findByID({ collection: portal.options.slugs.contacts as never, depth: 0, id: input.contact.id, overrideAccess: true })
const viewer = { ...contactDoc, collection: portal.options.slugs.contacts } as never
let since = performance.now()
const ordered = await authoriseZipSelection(portal, zipIds, viewer)
const authoriseMs = performance.now() - since
const peakResettable = resetPeakRss()
const zipRun = async (label: string) => {
  const file = path.join(scratch, `invoices-${label.replace(/\W+/g, '-')}.zip`)
  const poolBefore = sharedPdfPool().info()
  const startRssMb = rssMb()
  resetPeakRss()
  const sampler = rssSampler(100)
  since = performance.now()
  await writeInvoiceZip(portal, ordered, viewer, createWriteStream(file))
  const seconds = (performance.now() - since) / 1000
  const sampledPeakMb = sampler.stop()
  const peak = peakRssMb()
  const poolAfter = sharedPdfPool().info()
  const entries = Number(execFileSync('sh', ['-c', 'unzip -Z1 "$1" | wc -l', 'sh', file], { encoding: 'utf8' }).trim())
  const pdfBytes = Number(/(\d+) bytes uncompressed/.exec(execFileSync('unzip', ['-Zt', file], { encoding: 'utf8' }))?.[1] ?? 0)
  const bytes = statSync(file).size
  rmSync(file, { force: true })
  return { bytes, entries, label, pdfBytes, peakRssMb: peak, recycled: poolAfter.recycled - poolBefore.recycled, renders: poolAfter.renders - poolBefore.renders, sampledPeakMb, seconds, startRssMb }
}
const zips = []
zips.push(await zipRun('cold'))
zips.push(await zipRun('warm, memory cache'))
clearPdfMemoryCache()
zips.push(await zipRun('warm, database cache'))
const cacheRows = await payload.count({ collection: portal.options.slugs.pdfCache as never, overrideAccess: true })
// Which PDFs the database cache holds, by size: a PDF it did not store is rendered again by every process that lacks it in memory.
const sizes = await payload.find({ collection: portal.options.slugs.pdfCache as never, depth: 0, overrideAccess: true, pagination: false, select: { size: true } as never })
const storedSizes = sizes.docs.map((doc) => Number((doc as { size?: number }).size))

console.log(
  `BENCH_PDF_APP_RESULT ${JSON.stringify({
    appRssMb,
    appSeconds,
    authoriseMs,
    cacheRows: cacheRows.totalDocs,
    cacheRowsExpected: zipIds.length + 1,
    storedMaxBytes: Math.max(...storedSizes),
    download: { auditWrite, check: downloadCheck, databaseHit, firstMs: firstDownload.ms, loader, memoryHit, route: stats(routeSamples), session },
    peakResettable,
    route: portal.options.portal.route,
    zips,
  })}`,
)
// payload.destroy() leaves handles open (the process would idle on), and the work is done.
process.exit(0)

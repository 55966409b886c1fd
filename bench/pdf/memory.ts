/**
 * Part 4 of `npm run bench:pdf`, run by bench/pdf.ts in a process of its own so that the peak RSS
 * (`process.resourceUsage().maxRSS`, which covers the worker threads: they share the process) is the
 * pool's alone, not raised by the in-thread renders or the Payload app of the other parts.
 *
 * The worst load pattern: BENCH_PDF_MEMORY_RENDERS (5,000) renders submitted to a 2-worker PdfPool at
 * once, every job queued in the main thread from the start. The RSS is sampled each time another 500
 * PDFs have come back. A PDF is counted and dropped when it arrives, as a server that has sent it would.
 *
 * Prints one line `BENCH_PDF_MEMORY_RESULT <json>`.
 */
import { PdfPool } from '../../src/pdf/pool.js'
import { invoiceJob } from './job.js'

const renders = Number(process.env.BENCH_PDF_MEMORY_RENDERS || 5000)
const every = Number(process.env.BENCH_PDF_MEMORY_EVERY || 500)
const mb = (bytes: number) => bytes / (1024 * 1024)

const baselineRssMb = mb(process.memoryUsage().rss)
const started = performance.now()
const pool = new PdfPool({ size: 2 })
const samples: Array<{ done: number; heapMb: number; maxRssMb: number; rssMb: number; seconds: number; waiting: number }> = []
let done = 0
let bytes = 0
let failures = 0
const sample = () => {
  const usage = process.memoryUsage()
  samples.push({
    done,
    heapMb: mb(usage.heapUsed),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    rssMb: mb(usage.rss),
    seconds: (performance.now() - started) / 1000,
    waiting: pool.info().waiting,
  })
}
// All at once: 5,000 jobs (each a new invoice number) in the pool's queue before the first is done.
const all = Array.from({ length: renders }, (_, index) =>
  pool.render(invoiceJob(100_000 + index)).then(
    (pdf) => {
      bytes += pdf.byteLength
      done += 1
      if (done % every === 0) sample()
    },
    () => {
      failures += 1
      done += 1
      if (done % every === 0) sample()
    },
  ),
)
const queuedRssMb = mb(process.memoryUsage().rss)
await Promise.all(all)
const seconds = (performance.now() - started) / 1000
const info = pool.info()
const peakRssMb = process.resourceUsage().maxRSS / 1024
await pool.close()
console.log(
  `BENCH_PDF_MEMORY_RESULT ${JSON.stringify({ baselineRssMb, bytes, failures, info, peakRssMb, queuedRssMb, renders, samples, seconds })}`,
)
process.exit(0)

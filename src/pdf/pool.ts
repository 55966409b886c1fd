import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as threads from 'node:worker_threads'

import type { PdfJob } from './model.js'
import type { WorkerReply, WorkerRequest } from './worker.js'

export type PdfPoolOptions = {
  /**
   * Renders after which a worker is replaced by a fresh one, so no leak can accumulate. Workers are
   * staggered so they are never replaced at the same moment. @default 1000
   */
  recycleAfter?: number
  /** Worker threads. @default the number of CPUs, at most 4 */
  size?: number
}

/**
 * Bundlers (Next's Turbopack) rewrite a literal `new Worker(path)` into a bundled worker entry; the
 * worker here is a plain file on disk, so the constructor is looked up where they do not see it.
 */
const Worker: typeof threads.Worker = Reflect.get(threads, 'Worker')
type Worker = threads.Worker

/**
 * A queued job is kept as its JSON text: a burst of thousands of jobs then costs a few KB each
 * instead of their object graphs (about 20 KB for a 20-line invoice), and the text is what the worker
 * is sent anyway.
 */
type Task = { job: string; reject: (error: Error) => void; resolve: (pdf: Buffer) => void }
type Slot = { renders: number; task: null | Task; worker: Worker }

export type PdfPoolStats = { recycled: number; renders: number; size: number; waiting: number }

/**
 * The worker's files, next to this module: `worker.ts` under tsx or vitest, `worker.js` when
 * compiled. Resolved at run time so bundlers leave them alone.
 */
function workerFiles() {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const extension = path.extname(fileURLToPath(import.meta.url)) || '.js'
  return { entry: path.join(here, 'worker-entry.mjs'), module: path.join(here, `worker${extension}`) }
}

/**
 * Renders PDFs off the request thread. Each worker takes one job at a time and is recycled after
 * `recycleAfter` renders; an idle pool does not keep the process alive.
 */
export class PdfPool {
  private closed = false
  private readonly queue: Task[] = []
  private readonly recycleAfter: number
  private readonly slots: Slot[] = []
  private readonly stats = { recycled: 0, renders: 0 }

  constructor(options: PdfPoolOptions = {}) {
    const size = options.size ?? Math.min(4, Math.max(1, os.availableParallelism()))
    this.recycleAfter = options.recycleAfter ?? 1000
    for (let index = 0; index < size; index += 1) {
      const slot = this.spawn()
      slot.renders = -Math.floor((index * this.recycleAfter) / size)
      this.slots.push(slot)
    }
  }

  render(job: PdfJob): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('The PDF pool is closed'))
    return new Promise((resolve, reject) => {
      this.queue.push({ job: JSON.stringify(job), reject, resolve })
      this.dispatch()
    })
  }

  info(): PdfPoolStats {
    return { ...this.stats, size: this.slots.length, waiting: this.queue.length }
  }

  async close(): Promise<void> {
    this.closed = true
    for (const task of this.queue.splice(0)) task.reject(new Error('The PDF pool was closed'))
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()))
  }

  private spawn(): Slot {
    const files = workerFiles()
    const worker = new Worker(files.entry, {
      // Memory against speed, measured with 2 workers on 2 cores (bench:pdf): V8's own heap sizing
      // renders about 80 PDFs/s but lets the process reach about 580 MB; any old-generation cap makes
      // V8 grow the heap slowly and collect far more often (256 MB: about 60 PDFs/s, 435 MB peak when
      // 5,000 jobs arrive at once). These caps keep that peak under 400 MB, for about 45–50 PDFs/s.
      resourceLimits: { maxOldGenerationSizeMb: 160, maxYoungGenerationSizeMb: 16 },
      workerData: { module: files.module },
    })
    const slot: Slot = { renders: 0, task: null, worker }
    worker.unref()
    worker.on('message', (message: 'ready' | WorkerReply) => {
      if (message === 'ready') return
      const task = slot.task
      slot.task = null
      slot.renders += 1
      this.stats.renders += 1
      if (task) {
        if ('error' in message) task.reject(new Error(`PDF render failed: ${message.error}`))
        else task.resolve(Buffer.from(message.pdf.buffer, message.pdf.byteOffset, message.pdf.byteLength))
      }
      if (slot.renders >= this.recycleAfter) this.replace(slot)
      else this.idle(slot)
    })
    worker.on('error', (error) => this.fail(slot, error))
    worker.on('exit', (code) => {
      if (!this.closed && this.slots.includes(slot)) this.fail(slot, new Error(`PDF worker stopped (exit code ${code})`))
    })
    return slot
  }

  private fail(slot: Slot, error: Error) {
    slot.task?.reject(error)
    slot.task = null
    if (!this.closed && this.slots.includes(slot)) this.replace(slot)
  }

  private replace(slot: Slot) {
    const index = this.slots.indexOf(slot)
    if (index === -1) return
    this.slots.splice(index, 1)
    this.stats.recycled += 1
    // The old worker ends before its successor starts, so no more than `size` renderers are ever alive.
    void slot.worker.terminate().finally(() => {
      if (this.closed) return
      this.slots.push(this.spawn())
      this.dispatch()
    })
    this.dispatch()
  }

  private idle(slot: Slot) {
    slot.worker.unref()
    this.dispatch()
  }

  private dispatch() {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return
      if (slot.task) continue
      const task = this.queue.shift()!
      slot.task = task
      slot.worker.ref()
      slot.worker.postMessage({ id: this.stats.renders, job: task.job } satisfies WorkerRequest)
    }
  }
}

const SHARED = Symbol.for('payload-invoice-portal.pdfPool')
type Shared = { [SHARED]?: PdfPool }

/** One pool a process, shared by every copy of this module a bundler may have made. */
export function sharedPdfPool(options?: PdfPoolOptions): PdfPool {
  const store = globalThis as Shared
  store[SHARED] ??= new PdfPool(options)
  return store[SHARED]
}

/** The shared pool sized by the plugin's `documents.pdfWorkers`. */
export const pdfPoolOf = (ctx: { options: { pdf: { workers: number | undefined } } }) => sharedPdfPool({ size: ctx.options.pdf.workers })

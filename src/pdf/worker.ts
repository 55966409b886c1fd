import { parentPort } from 'node:worker_threads'

import type { PdfJob } from './model.js'

import { renderPdf, warmUpFonts } from './render.js'

/** `job` is a PdfJob as JSON (pool.ts keeps queued jobs so). */
export type WorkerRequest = { id: number; job: string }
export type WorkerReply = { error: string; id: number } | { id: number; pdf: Uint8Array }

// Messages posted before the listener is attached wait in the port's queue.
await warmUpFonts()

/**
 * One render at a time, driven by messages: between two renders the thread returns to its event
 * loop, which is what keeps react-pdf's memory flat (it grows in loops that never yield).
 */
parentPort?.on('message', async ({ id, job }: WorkerRequest) => {
  try {
    const buffer = await renderPdf(JSON.parse(job) as PdfJob)
    // Only a buffer that owns its whole ArrayBuffer may be transferred; a small one can share Node's pool.
    const owns = buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength
    const pdf = owns ? new Uint8Array(buffer.buffer, 0, buffer.byteLength) : new Uint8Array(buffer)
    parentPort!.postMessage({ id, pdf } satisfies WorkerReply, [pdf.buffer as ArrayBuffer])
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error), id } satisfies WorkerReply)
  }
})
parentPort?.postMessage('ready')

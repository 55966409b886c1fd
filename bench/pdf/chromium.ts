/**
 * Part 6 of `npm run bench:pdf`: the same invoice as HTML (html.ts) printed by the Debian Chromium,
 * the two ways the reference figures were measured (../shared/research/anchors-measured.md, Part 1):
 *  (a) warm: one browser launched with playwright-core, one page reused, `page.setContent(html)`
 *      (which waits for `load`, fonts included) then `page.pdf({ format: 'A4', printBackground: true })`;
 *  (b) one Chromium process per PDF, as snappdf does it: `chromium --headless … --print-to-pdf`, timed
 *      from spawn to exit, with one reused profile directory.
 * Each PDF is a new invoice number, as for react-pdf.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from '@playwright/test'

import type { PdfJob } from '../../src/pdf/model.js'

import { fontUrls, invoiceHtml } from './html.js'
import { descendantsRssMb, run } from './util.js'

export const chromiumPath = process.env.BENCH_CHROMIUM || '/usr/bin/chromium'

const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export type WarmChromium = { firstMs: number; launchMs: number; sample: Buffer; samples: number[]; tree: null | { count: number; rssMb: number } }

/** (a) Warm headless Chromium: `warmup` untimed PDFs, then `timed` timed ones. */
export async function warmChromium(options: { dir: string; job: (n: number) => PdfJob; timed: number; warmup: number }): Promise<WarmChromium> {
  const { dir, job } = options
  let launchMs = performance.now()
  const browser = await chromium.launch({ args: launchArgs, executablePath: chromiumPath })
  launchMs = performance.now() - launchMs
  try {
    const page = await browser.newPage()
    const failed: string[] = []
    page.on('requestfailed', (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`))
    let fontLoads = 0
    page.on('requestfinished', (request) => {
      if (request.url() === fontUrls.regular || request.url() === fontUrls.bold) fontLoads += 1
    })
    // setContent keeps the page's URL. On about:blank Chromium refuses file:// fonts ("Not allowed to
    // load local resource") and would quietly print with the system's DejaVu instead; from a file://
    // page the @font-face files load from the repo, as a server's template would load its own assets.
    const base = path.join(dir, 'chromium-base.html')
    writeFileSync(base, '<!doctype html><title>base</title>')
    await page.goto(pathToFileURL(base).href)
    let n = 0
    const print = async () => {
      const html = invoiceHtml(job(n++))
      const started = performance.now()
      await page.setContent(html)
      const pdf = await page.pdf({ format: 'A4', printBackground: true })
      return { ms: performance.now() - started, pdf }
    }
    const first = await print()
    if (failed.length) throw new Error(`Chromium could not load: ${failed.join('; ')}`)
    if (fontLoads === 0) throw new Error('Chromium did not load the DejaVu font files from assets/fonts')
    for (let index = 1; index < options.warmup; index += 1) await print()
    const samples: number[] = []
    for (let index = 0; index < options.timed; index += 1) samples.push((await print()).ms)
    const tree = descendantsRssMb('chrom')
    return { firstMs: first.ms, launchMs, sample: Buffer.from(first.pdf), samples, tree }
  } finally {
    await browser.close()
  }
}

/** (b) One Chromium process per PDF: `discarded` runs to warm the OS page cache, then `timed` timed ones. */
export async function chromiumPerPdf(options: { dir: string; discarded: number; job: (n: number) => PdfJob; onChild?: (pid: number | undefined) => void; timed: number }): Promise<{ sample: Buffer; samples: number[] }> {
  const { dir } = options
  const profile = path.join(dir, 'chromium-profile')
  const out = path.join(dir, 'chromium-cli.pdf')
  const samples: number[] = []
  let sample: Buffer | null = null
  for (let index = 0; index < options.discarded + options.timed; index += 1) {
    const html = path.join(dir, `chromium-cli-${index}.html`)
    writeFileSync(html, invoiceHtml(options.job(index)))
    rmSync(out, { force: true })
    const args = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-pdf-header-footer', `--user-data-dir=${profile}`, `--print-to-pdf=${out}`, pathToFileURL(html).href]
    const started = performance.now()
    const { code, output } = await run(chromiumPath, args, { onChild: options.onChild })
    const elapsed = performance.now() - started
    let pdf: Buffer | null = null
    try {
      pdf = readFileSync(out)
    } catch {
      pdf = null
    }
    if (code !== 0 || !pdf || pdf.subarray(0, 5).toString() !== '%PDF-') throw new Error(`chromium --print-to-pdf failed (exit ${code}):\n${output.split('\n').slice(-15).join('\n')}`)
    if (index >= options.discarded) samples.push(elapsed)
    sample ??= pdf
    rmSync(html, { force: true })
  }
  return { sample: sample!, samples }
}

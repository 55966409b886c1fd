/**
 * renderPdf lays a document out as one page first and paginates only when the content does not fit
 * A4 (layout.tsx, Pagination). Its overflow test must agree with react-pdf's own pagination at the
 * boundary: for every length around it, "fits" is exactly "pagination gives one page".
 */
import { renderToBuffer } from '@react-pdf/renderer'
import { describe, expect, it } from 'vitest'

import type { PdfJob } from './model.js'

import { invoiceJob, lineInputs } from '../../bench/pdf/job.js'
import { renderPdf, warmUpFonts } from './render.js'
import { pdfElement } from './templates/documents.js'

const pageCount = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0
const mediaBoxes = (pdf: Buffer) => pdf.toString('latin1').match(/\/MediaBox \[[^\]]*\]/g) ?? []
const A4 = '/MediaBox [0 0 595.280029 841.890015]'

function withLines(count: number): PdfJob {
  const job = invoiceJob(count)
  const lines = Array.from({ length: count }, (_, index) => ({ ...lineInputs[index % lineInputs.length], amount: 1_000 + index }))
  return { ...job, content: { ...job.content, kind: 'invoice', lines } as PdfJob['content'] }
}

async function onePageLayout(job: PdfJob): Promise<{ overflows: boolean; pdf: Buffer }> {
  await warmUpFonts()
  let overflows: boolean | undefined
  const pdf = await renderToBuffer(pdfElement(job, { onOverflow: (value) => (overflows = value), onePage: true }))
  if (overflows === undefined) throw new Error('the one-page layout did not report')
  return { overflows, pdf }
}

describe('renderPdf: one page when the content fits, paginated and numbered when it does not', () => {
  it('agrees with pagination for every invoice length across the page boundary', async () => {
    const verdicts: Array<{ lines: number; overflows: boolean; paginatedPages: number }> = []
    for (let lines = 20; lines <= 34; lines += 1) {
      const job = withLines(lines)
      const { overflows } = await onePageLayout(job)
      const paginatedPages = pageCount(await renderToBuffer(pdfElement(job, { onePage: false })))
      verdicts.push({ lines, overflows, paginatedPages })
    }
    for (const verdict of verdicts) expect(verdict.overflows, `${verdict.lines} lines`).toBe(verdict.paginatedPages > 1)
    // The range really crosses the boundary: some lengths fit, some do not.
    expect(verdicts.some((verdict) => verdict.overflows)).toBe(true)
    expect(verdicts.some((verdict) => !verdict.overflows)).toBe(true)
  })

  it('makes a fitting document one A4 page without a page number', async () => {
    const pdf = await renderPdf(withLines(5))
    expect(pageCount(pdf)).toBe(1)
    expect(mediaBoxes(pdf)).toEqual([A4])
  })

  it('makes a longer one several A4 pages (their numbers: test/int/pdf.int.spec.ts)', async () => {
    const job = withLines(60)
    const pdf = await renderPdf(job)
    expect(pageCount(pdf)).toBeGreaterThanOrEqual(2)
    expect(new Set(mediaBoxes(pdf))).toEqual(new Set([A4]))
    const { overflows } = await onePageLayout(job)
    expect(overflows).toBe(true)
  })
})

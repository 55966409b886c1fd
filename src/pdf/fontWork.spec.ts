/**
 * The font shortcuts (fontWork.ts) change how fast a PDF is made, never what is in it: the same
 * documents rendered with them on and off are the same bytes (but for the creation date and the
 * file id, which differ between any two renders). The shaping cache is checked on a stand-in font:
 * one layout per distinct run, bounded, long runs never kept.
 */
import { afterEach, describe, expect, it } from 'vitest'

import type { PdfJob, StatementPdf } from './model.js'

import { invoiceJob, lineInputs } from '../../bench/pdf/job.js'
import { cacheShaping, fontShortcuts } from './fontWork.js'
import { renderPdf } from './render.js'

/** The bytes without the two fields that differ between any two renders of one document. */
const comparable = (pdf: Buffer) =>
  pdf
    .toString('latin1')
    .replace(/\(D:\d{14}Z\)/g, '')
    .replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/g, '')

async function bothWays(job: PdfJob): Promise<{ off: string; on: string }> {
  fontShortcuts.enabled = false
  const off = comparable(await renderPdf(job))
  fontShortcuts.enabled = true
  fontShortcuts.used = false
  const on = comparable(await renderPdf(job))
  return { off, on }
}

afterEach(() => {
  fontShortcuts.enabled = true
})

describe('PDF bytes with and without the font shortcuts', () => {
  it('are the same for an invoice whose client name needs Latin Extended (Ĳ, ö), rendered twice with them', async () => {
    const job = invoiceJob(1)
    const { off, on } = await bothWays(job)
    expect(fontShortcuts.used).toBe(true)
    expect(on).toBe(off)
    // Again, now that every run of this invoice is in the shaping cache.
    expect(comparable(await renderPdf(job))).toBe(off)
    expect(off).toContain('/FontFile2')
  })

  it('are the same for a three-page invoice in serif (numbered pages, the second rendering)', async () => {
    const base = invoiceJob(2)
    const lines = Array.from({ length: 120 }, (_, index) => ({ ...lineInputs[index % lineInputs.length], amount: 1_000 + index, description: `Regel ${index + 1}: ${lineInputs[index % lineInputs.length].description}` }))
    const job: PdfJob = { ...base, brand: { ...base.brand, font: 'DejaVuSerif' }, content: { ...base.content, kind: 'invoice', lines } as PdfJob['content'] }
    const { off, on } = await bothWays(job)
    expect(on).toBe(off)
    expect(off.match(/\/Type \/Page\b/g)?.length).toBeGreaterThanOrEqual(3)
  })

  it('are the same for a statement', async () => {
    const base = invoiceJob(3)
    const content: StatementPdf = {
      ageing: { '0-30': 12_100, '31-60': 0, '61-90': 5_000, '90+': 0 },
      client: base.content.client,
      closingBalance: 12_100,
      currency: 'EUR',
      from: '2026-01-01',
      kind: 'statement',
      openingBalance: 5_000,
      rows: [
        { balance: 17_100, credit: 0, date: '2026-03-01', debit: 12_100, kind: 'invoice', reference: 'INV-2026-00001' },
        { balance: 12_100, credit: 5_000, date: '2026-04-01', debit: 0, kind: 'payment', reference: 'Betaling Ĳ-7' },
      ],
      to: '2026-10-31',
      totals: { credits: 0, invoices: 12_100, payments: 5_000 },
    }
    const { off, on } = await bothWays({ ...base, content })
    expect(on).toBe(off)
  })
})

describe('cacheShaping', () => {
  const standIn = () => {
    const calls: string[] = []
    const font = {
      layout(text: string, features?: unknown) {
        calls.push(text)
        return { features, glyphs: [...text], positions: [] }
      },
    }
    cacheShaping(font)
    return { calls, font }
  }

  it('lays each distinct run out once and gives back the same run', () => {
    const { calls, font } = standIn()
    const first = font.layout('Totaal', undefined)
    expect(font.layout('Totaal', undefined)).toBe(first)
    expect(font.layout('Totaal', ['liga'])).not.toBe(first)
    expect(font.layout('Subtotaal', undefined)).not.toBe(first)
    expect(calls).toEqual(['Totaal', 'Totaal', 'Subtotaal'])
  })

  it('keeps at most 2,000 runs, dropping the least recently used', () => {
    const { calls, font } = standIn()
    font.layout('kept', undefined)
    for (let index = 0; index < 1_999; index += 1) font.layout(`run ${index}`, undefined)
    font.layout('kept', undefined) // a hit: now the most recent
    font.layout('one more', undefined) // evicts "run 0"
    calls.length = 0
    font.layout('kept', undefined)
    font.layout('run 1', undefined)
    expect(calls).toEqual([])
    font.layout('run 0', undefined)
    expect(calls).toEqual(['run 0'])
  })

  it('lays long runs out every time, and everything while the shortcuts are off', () => {
    const { calls, font } = standIn()
    const long = 'x'.repeat(201)
    font.layout(long, undefined)
    font.layout(long, undefined)
    fontShortcuts.enabled = false
    font.layout('short', undefined)
    font.layout('short', undefined)
    expect(calls).toEqual([long, long, 'short', 'short'])
  })

  it('wraps a font once', () => {
    const { calls, font } = standIn()
    cacheShaping(font)
    font.layout('Totaal', undefined)
    font.layout('Totaal', undefined)
    expect(calls).toEqual(['Totaal'])
  })
})

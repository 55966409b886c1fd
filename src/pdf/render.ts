import { Document, Font, Page, renderToBuffer, Text } from '@react-pdf/renderer'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { createElement } from 'react'

import type { PdfJob } from './model.js'

import { pdfFonts } from './model.js'

import { pdfElement } from './templates/documents.js'

/** The bundled DejaVu fonts cover Latin Extended (Ĳ, ő, ł …), which the PDF standard Helvetica cannot. */
export const fontsDir = fileURLToPath(new URL('../../assets/fonts/', import.meta.url))

let fontsRegistered = false

function registerFonts() {
  if (fontsRegistered) return
  fontsRegistered = true
  for (const family of pdfFonts) {
    Font.register({
      family,
      fonts: [
        { src: path.join(fontsDir, `${family}.ttf`) },
        { fontWeight: 'bold', src: path.join(fontsDir, `${family}-Bold.ttf`) },
      ],
    })
  }
  // Invoice text is short and must not be split with hyphens (numbers, IBANs, e-mail addresses).
  Font.registerHyphenationCallback((word) => [word])
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index)

/**
 * Latin, Latin-1 and Latin Extended-A, and the punctuation and symbols amounts and dates use. "Ĳ" and
 * "ĳ" are left out: they are the composites whose drawing must not come first.
 */
const WARM_UP_TEXT = String.fromCodePoint(
  ...range(0x21, 0x7e),
  ...range(0xa1, 0xff),
  ...range(0x100, 0x17f).filter((codePoint) => codePoint !== 0x132 && codePoint !== 0x133),
  ...[0x2013, 0x2014, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2026, 0x20ac, 0x2212],
)

/**
 * Lays every common character out once per font and weight. fontkit caches each glyph with the
 * characters it was first created for; drawing a composite such as "Ĳ" creates its parts (I, J) with
 * none, and a later bold "J" then has no text behind it (search, copy, screen readers). Glyphs laid
 * out here first keep their characters for the worker's life.
 */
export async function warmUpFonts(): Promise<void> {
  registerFonts()
  const texts = pdfFonts.flatMap((fontFamily) =>
    (['normal', 'bold'] as const).map((fontWeight) => createElement(Text, { key: `${fontFamily}-${fontWeight}`, style: { fontFamily, fontWeight } }, WARM_UP_TEXT)),
  )
  await renderToBuffer(createElement(Document, null, createElement(Page, { size: 'A4' }, ...texts)))
}

/** Renders on the calling thread. Servers go through the pool (pool.ts); this is what its workers run. */
export async function renderPdf(job: PdfJob): Promise<Buffer> {
  registerFonts()
  let pages = 0
  const unnumbered = await renderToBuffer(pdfElement(job, { numbered: false, onPages: (count) => (pages = count) }))
  return pages > 1 ? renderToBuffer(pdfElement(job, { numbered: true })) : unnumbered
}

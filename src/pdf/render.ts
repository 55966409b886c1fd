import { Document, Font, Page, renderToBuffer, Text } from '@react-pdf/renderer'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { createElement } from 'react'

import type { PdfJob } from './model.js'

import { cacheShaping, reuseEmbeddedFonts } from './fontWork.js'
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
  reuseEmbeddedFonts()
}

const weights = ['normal', 'bold'] as const

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

let fontsReady: Promise<void> | undefined

/**
 * Prepares the fonts once per thread: lays every common character out once per font and weight, then
 * keeps their shaping (fontWork.ts). fontkit caches each glyph with the characters it was first
 * created for; drawing a composite such as "Ĳ" creates its parts (I, J) with none, and a later bold
 * "J" then has no text behind it (search, copy, screen readers). Glyphs laid out here first keep their
 * characters for the thread's life.
 */
export function warmUpFonts(): Promise<void> {
  fontsReady ??= (async () => {
    registerFonts()
    const texts = pdfFonts.flatMap((fontFamily) =>
      weights.map((fontWeight) => createElement(Text, { key: `${fontFamily}-${fontWeight}`, style: { fontFamily, fontWeight } }, WARM_UP_TEXT)),
    )
    await renderToBuffer(createElement(Document, null, createElement(Page, { size: 'A4' }, ...texts)))
    for (const fontFamily of pdfFonts) for (const fontWeight of weights) {
      const font = Font.getFont({ fontFamily, fontWeight }).data
      // react-pdf types its fonts without fontkit's methods; they are fontkit fonts.
      if (font) cacheShaping(font as unknown as Parameters<typeof cacheShaping>[0])
    }
  })()
  return fontsReady
}

/** Renders on the calling thread. Servers go through the pool (pool.ts); this is what its workers run. */
export async function renderPdf(job: PdfJob): Promise<Buffer> {
  await warmUpFonts()
  let overflows = false
  const onePage = await renderToBuffer(pdfElement(job, { onOverflow: (value) => (overflows = value), onePage: true }))
  return overflows ? renderToBuffer(pdfElement(job, { onePage: false })) : onePage
}

import { Font, renderToBuffer } from '@react-pdf/renderer'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import type { PdfJob } from './model.js'

import { pdfElement } from './templates/documents.js'

/** The bundled DejaVu fonts cover Latin Extended (Ĳ, ő, ł …), which the PDF standard Helvetica cannot. */
export const fontsDir = fileURLToPath(new URL('../../assets/fonts/', import.meta.url))

let fontsRegistered = false

function registerFonts() {
  if (fontsRegistered) return
  fontsRegistered = true
  for (const family of ['DejaVuSans', 'DejaVuSerif']) {
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

/** Renders on the calling thread. Servers go through the pool (pool.ts); this is what its workers run. */
export async function renderPdf(job: PdfJob): Promise<Buffer> {
  registerFonts()
  let pages = 0
  const unnumbered = await renderToBuffer(pdfElement(job, { numbered: false, onPages: (count) => (pages = count) }))
  return pages > 1 ? renderToBuffer(pdfElement(job, { numbered: true })) : unnumbered
}

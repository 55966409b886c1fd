/**
 * Font work react-pdf and pdfkit repeat on every render that a worker can do once. Measured on the
 * benchmark's 20-line invoice (`npm run bench:pdf`), it took about 7 of 31 ms; the PDF bytes stay the
 * same (fontWork.spec.ts compares them with the shortcuts off).
 */
import PDFDocument from 'pdfkit'

type Args = unknown[]
type FontMethod = (this: PdfDocument, src: unknown, family?: unknown, size?: unknown) => PdfDocument
type PdfDocument = { _font: unknown; _fontFamily: unknown; _fontSource: unknown; fontSize(size: unknown): PdfDocument } & Record<symbol, Map<object, unknown> | undefined>
type Shaper = { layout(text: string, ...rest: Args): unknown }

/** Off only in the test that compares the bytes rendered with and without them. */
export const fontShortcuts = { enabled: true, used: false }

const EMBEDDED = Symbol('payload-invoice-portal.embeddedFonts')
const PATCHED = Symbol.for('payload-invoice-portal.fontShortcuts')

/**
 * react-pdf asks pdfkit for the font of every text run by its fontkit object. pdfkit then opens a new
 * embedded font and, finding one of that name, compares the two name tables as JSON to return the
 * first: a document's answer for one font object never changes, so it is kept per document.
 */
export function reuseEmbeddedFonts(): void {
  const proto = PDFDocument.prototype as Record<PropertyKey, unknown>
  if (proto[PATCHED] || typeof proto.font !== 'function') return
  const open = proto.font as FontMethod
  const font: FontMethod = function (src, family, size) {
    if (!fontShortcuts.enabled || !src || typeof src !== 'object' || typeof family === 'string') return open.call(this, src, family, size)
    fontShortcuts.used = true
    if (typeof family === 'number') size = family
    const embedded = (this[EMBEDDED] ??= new Map())
    const known = embedded.get(src)
    if (!known) {
      open.call(this, src, null, size)
      embedded.set(src, this._font)
      return this
    }
    this._font = known
    this._fontSource = src
    this._fontFamily = null
    if (size != null) this.fontSize(size)
    return this
  }
  proto.font = font
  // pdfkit opens Helvetica as every document's first font, reading and parsing its metrics (thousands
  // of kerning pairs) each time; react-pdf sets its own font before any text. The id Helvetica would
  // have taken (F1) stays taken, so the ids, and the bytes, are what pdfkit would write.
  const initFonts = proto.initFonts as (this: PdfDocument & { _fontCount: number }, font?: unknown, ...rest: Args) => unknown
  proto.initFonts = function (this: PdfDocument & { _fontCount: number }, defaultFont?: unknown, ...rest: Args) {
    if (!fontShortcuts.enabled || (defaultFont !== undefined && defaultFont !== 'Helvetica')) return initFonts.call(this, defaultFont, ...rest)
    const result = initFonts.call(this, null, ...rest)
    this._fontCount = 1
    return result
  }
  proto[PATCHED] = true
}

/** Runs kept per font face; a run is a few KB, so a worker's cache stays within a few MB. */
const SHAPED_RUNS = 2_000
/** Longer runs (notes, descriptions) rarely repeat and are shaped each time. */
const LONGEST_CACHED = 200

/**
 * Shaping (fontkit's `layout`: OpenType substitutions and positions) depends only on the font, the
 * string and the features; react-pdf shapes a string again each time it lays a page out again
 * (pagination), and labels, dates and names recur on every document. Browsers keep a shape cache for
 * the same reason. React-pdf only reads a run afterwards (it scales copies of the positions), so one
 * run serves every render.
 */
export function cacheShaping(font: Shaper): void {
  const shaper = font as Shaper & { [PATCHED]?: true }
  if (shaper[PATCHED]) return
  const layout = shaper.layout
  const runs = new Map<string, unknown>()
  shaper.layout = function (text: string, ...rest: Args) {
    if (!fontShortcuts.enabled || typeof text !== 'string' || text.length > LONGEST_CACHED) return layout.call(this, text, ...rest)
    const [features, ...direction] = rest
    const key = `${features ? JSON.stringify(features) : ''}\u0000${direction.join('\u0000')}\u0000${text}`
    let run = runs.get(key)
    if (run) {
      // Map order is the LRU order: a hit moves to the back.
      runs.delete(key)
    } else {
      run = layout.call(this, text, ...rest)
      if (runs.size >= SHAPED_RUNS) runs.delete(runs.keys().next().value!)
    }
    runs.set(key, run)
    return run
  }
  shaper[PATCHED] = true
}

import PDFDocument from 'pdfkit'
const proto = (PDFDocument as any).prototype
const original = proto.font
proto.font = function (src: unknown, family?: unknown, size?: unknown) {
  if (src && typeof src === 'object') {
    const cache: Map<unknown, unknown> = (this.__fontsBySource ??= new Map())
    const known = cache.get(src)
    if (known) {
      this._font = known
      this._fontSource = src
      const fontSize = typeof family === 'number' ? family : size
      if (fontSize != null) this.fontSize(fontSize)
      return this
    }
    const result = original.call(this, src, family, size)
    cache.set(src, this._font)
    return result
  }
  return original.call(this, src, family, size)
}

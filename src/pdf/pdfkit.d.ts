/** pdfkit ships no types; the plugin only reaches its document prototype (fontWork.ts). */
declare module 'pdfkit' {
  const PDFDocument: { prototype: object }
  export default PDFDocument
}

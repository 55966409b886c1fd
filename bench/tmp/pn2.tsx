import React from 'react'
import { Document, Page, Text, renderToBuffer, Font } from '@react-pdf/renderer'
import { writeFileSync } from 'node:fs'
import { translator } from '../../src/portal/i18n.js'
const t = translator('nl')
async function main() {
  const vs: Record<string, any> = {
    plain: ({ pageNumber, totalPages }: any) => `Page ${pageNumber} of ${totalPages}`,
    t: ({ pageNumber, totalPages }: any) => t('pdf.page', { page: pageNumber, pages: totalPages }),
  }
  for (const [k, fn] of Object.entries(vs)) {
    const buf = await renderToBuffer(<Document><Page size="A4" style={{ padding: 40 }}><Text>Hello</Text><Text fixed render={fn} style={{ bottom: 24, left: 0, position: 'absolute', right: 0 }} /></Page></Document>)
    writeFileSync(`/tmp/probe/pn2-${k}.pdf`, buf)
  }
}
main()

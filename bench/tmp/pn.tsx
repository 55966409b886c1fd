import React from 'react'
import { Document, Page, Text, View, renderToBuffer, Font } from '@react-pdf/renderer'
import { writeFileSync } from 'node:fs'
Font.register({ family: 'DejaVuSans', src: 'assets/fonts/DejaVuSans.ttf' })
async function main() {
  const variants: Record<string, React.ReactElement> = {
    a: <Text fixed render={({ pageNumber, totalPages }) => `Page ${pageNumber} of ${totalPages}`} style={{ bottom: 24, left: 0, position: 'absolute', right: 0, textAlign: 'center' }} />,
    b: <Text fixed render={({ pageNumber }) => `Page ${pageNumber}`} style={{ bottom: 24, left: 0, position: 'absolute', right: 0, textAlign: 'center' }} />,
    c: <View fixed style={{ bottom: 24, left: 40, position: 'absolute', right: 40 }}><Text render={({ pageNumber, totalPages }) => `Page ${pageNumber} of ${totalPages}`} /></View>,
  }
  for (const [k, el] of Object.entries(variants)) {
    for (const font of ['Helvetica', 'DejaVuSans']) {
      const buf = await renderToBuffer(<Document><Page size="A4" style={{ fontFamily: font, padding: 40 }}><Text>Hello</Text>{el}</Page></Document>)
      writeFileSync(`/tmp/probe/pn-${k}-${font}.pdf`, buf)
    }
  }
}
main()

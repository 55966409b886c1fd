import React from 'react'
import { Document, Page, Text, View, renderToBuffer } from '@react-pdf/renderer'
async function run(name: string, el: React.ReactElement) { const b = await renderToBuffer(el); const { execSync } = await import('node:child_process'); (await import('node:fs')).writeFileSync('/tmp/probe/x.pdf', b); console.log(name, execSync('pdftotext /tmp/probe/x.pdf -').toString().replace(/\s+/g, ' ')) }
const pn = <Text fixed render={({ pageNumber, totalPages }) => `P ${pageNumber}/${totalPages}`} style={{ bottom: 24, left: 40, position: 'absolute', right: 40, textAlign: 'right', lineHeight: 1 }} />
async function main() {
  await run('lh', <Document><Page size="A4" style={{ lineHeight: 1.35 }}><Text>Hi</Text>{pn}</Page></Document>)
  await run('fs', <Document><Page size="A4" style={{ fontSize: 9 }}><Text>Hi</Text>{pn}</Page></Document>)
  await run('pb', <Document><Page size="A4" style={{ paddingBottom: 64 }}><Text>Hi</Text>{pn}</Page></Document>)
  await run('pt', <Document><Page size="A4" style={{ paddingTop: 36, paddingHorizontal: 40 }}><Text>Hi</Text>{pn}</Page></Document>)
  await run('lhpx', <Document><Page size="A4" style={{ lineHeight: '12pt' }}><Text>Hi</Text>{pn}</Page></Document>)
}
main()

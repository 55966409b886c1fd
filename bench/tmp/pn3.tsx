import React from 'react'
import { Text, renderToBuffer } from '@react-pdf/renderer'
import { writeFileSync } from 'node:fs'
import { translator } from '../../src/portal/i18n.js'
import { Frame } from '../../src/pdf/templates/layout.js'
import '../../src/pdf/render.js'
const t = translator('nl')
const brand = { accentColor: '#334155', companyDetails: ['Keizersgracht 1'], font: 'Helvetica', legalFooter: 'Demo BV', logo: null, name: 'Demo Billing', primaryColor: '#1d4ed8' }
async function main() {
  const buf = await renderToBuffer(<Frame job={{ brand, locale: 'nl', content: {} } as any} t={t} title="X"><Text>Hello</Text></Frame>)
  writeFileSync(`/tmp/probe/pn3.pdf`, buf)
}
main()

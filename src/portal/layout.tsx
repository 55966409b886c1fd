import { headers } from 'next/headers.js'
import React from 'react'

import { type HostConfig, loadPortal } from './context.js'

import { localeFromHeader } from './i18n.js'
import { stylesheetHref } from './styles.js'

/** The portal's root layout (its own <html>, apart from Payload's admin), mounted at `app/(portal)/layout.tsx`. */
export function createPortalLayout(config: HostConfig) {
  return async function PortalLayout({ children }: { children: React.ReactNode }) {
    const [portal, headerList] = await Promise.all([loadPortal(config), headers()])
    const lang = localeFromHeader(headerList.get('accept-language'))
    return (
      <html lang={lang}>
        <head>
          <link href={stylesheetHref(portal.options.portal.route)} rel="stylesheet" />
        </head>
        <body>
          {children}
        </body>
      </html>
    )
  }
}

import { headers } from 'next/headers.js'
import React from 'react'

import type { HostConfig } from './context.js'

import { localeFromHeader } from './i18n.js'
import { portalCss } from './styles.js'

/** The portal's root layout (its own <html>, apart from Payload's admin), mounted at `app/(portal)/layout.tsx`. */
export function createPortalLayout(_config: HostConfig) {
  return async function PortalLayout({ children }: { children: React.ReactNode }) {
    const lang = localeFromHeader((await headers()).get('accept-language'))
    return (
      <html lang={lang}>
        <body>
          <style>{portalCss}</style>
          {children}
        </body>
      </html>
    )
  }
}

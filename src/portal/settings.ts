import { cache } from 'react'

import type { Portal } from './context.js'
import type { Branding } from './views/shell.js'

import { settingsSlug } from '../options.js'

export type PortalSettings = {
  branding?: Partial<Record<keyof Branding, null | string>>
  portal?: { allowPartialPayment?: boolean | null; minimumPartialAmount?: null | number }
}

/** The settings global, read once per request however many parts of the page need it. */
export const loadSettings = cache(
  async (portal: Portal): Promise<PortalSettings> => (await portal.payload.findGlobal({ slug: settingsSlug, depth: 0 })) as PortalSettings,
)

/** Branding from the settings global over the plugin's defaults. */
export function brandingOf(portal: Portal, settings: PortalSettings): Branding {
  const defaults = portal.options.portal.branding
  const brand = settings.branding ?? {}
  return {
    legalFooter: brand.legalFooter || defaults.legalFooter,
    logo: brand.logo || defaults.logo,
    name: brand.name || defaults.name || 'Billing',
    primaryColor: /^#[0-9a-f]{3,6}$/i.test(brand.primaryColor ?? '') ? brand.primaryColor! : defaults.primaryColor,
  }
}

export async function brandName(portal: Portal): Promise<string> {
  return brandingOf(portal, await loadSettings(portal)).name
}

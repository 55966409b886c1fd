import { getPayload, type Payload, type SanitizedConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { createAccess } from '../access/index.js'
import { PORTAL_CONFIG_KEY, type SanitizedOptions } from '../options.js'

/** What a host passes to the portal factories: its Payload config, as `@payload-config` exports it. */
export type HostConfig = Promise<SanitizedConfig> | SanitizedConfig

export type Portal = PluginContext & { payload: Payload }

const portals = new WeakMap<Payload, Portal>()

/**
 * Payload and the plugin's options and rules, from the host's config. The same object for the same
 * Payload instance, so that per-request caches keyed on it (settings, viewer) are shared.
 */
export async function loadPortal(config: HostConfig): Promise<Portal> {
  return portalOf(await getPayload({ config }))
}

/** The same, from a Payload instance (scripts and tasks that have one). */
export function portalOf(payload: Payload): Portal {
  let portal = portals.get(payload)
  if (!portal) {
    const options = payload.config.custom?.[PORTAL_CONFIG_KEY] as SanitizedOptions | undefined
    if (!options) throw new Error('payload-invoice-portal: the portal needs invoicePortalPlugin() in the Payload config it is given')
    portal = { access: createAccess(options), options, payload }
    portals.set(payload, portal)
  }
  return portal
}

/** A document id from a URL, typed as the database's ids are (numbers for serial ids). */
export function documentId(portal: Pick<Portal, 'payload'>, value: string): null | number | string {
  if (portal.payload.db.defaultIDType === 'number') return /^\d{1,15}$/.test(value) ? Number(value) : null
  return value || null
}

/** An absolute URL of a portal path, for e-mails: the configured base URL, the serverURL, else the request's origin. */
export function portalUrl(portal: Pick<Portal, 'options' | 'payload'>, path: string, requestOrigin?: string): string {
  const base = portal.options.portal.baseUrl ?? (portal.payload.config.serverURL || requestOrigin || 'http://localhost:3000')
  return `${base.replace(/\/$/, '')}${portal.options.portal.route}${path}`
}

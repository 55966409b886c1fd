import type { CollectionConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

/**
 * Counters of sign-in failures and e-mail-sending requests per e-mail address and per IP address
 * (security/throttle.ts), in PostgreSQL so that every app instance counts together. A key is a
 * SHA-256 of the action and the address: the table names nobody. Written only by one atomic upsert.
 */
export function createThrottlesCollection({ access, options }: PluginContext): CollectionConfig {
  return {
    slug: options.slugs.throttles,
    access: access.throttles,
    admin: { group: 'Billing', hidden: true },
    fields: [
      { name: 'key', type: 'text', required: true, unique: true },
      { name: 'hits', type: 'number', defaultValue: 0, required: true },
      { name: 'windowEndsAt', type: 'date', index: true, required: true },
    ],
  }
}

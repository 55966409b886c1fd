import type { CollectionConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

/**
 * Single-use sign-in tokens (magic links). Only a SHA-256 of the token is stored, so a database dump
 * signs nobody in; a token is spent by one atomic UPDATE (`consumeLoginToken`), so two clicks at once
 * cannot both succeed.
 */
export function createPortalTokensCollection({ access, options }: PluginContext): CollectionConfig {
  return {
    slug: options.slugs.portalTokens,
    access: access.portalTokens,
    admin: { defaultColumns: ['contact', 'purpose', 'expiresAt', 'usedAt'], group: 'Billing', hidden: true },
    fields: [
      { name: 'contact', type: 'relationship', index: true, relationTo: options.slugs.contacts, required: true },
      {
        name: 'purpose',
        type: 'select',
        options: [
          { label: 'Magic link', value: 'magic_link' },
          { label: 'Link in a notification', value: 'notification_link' },
        ],
        required: true,
      },
      { name: 'tokenHash', type: 'text', required: true, unique: true },
      { name: 'expiresAt', type: 'date', index: true, required: true },
      { name: 'usedAt', type: 'date' },
      { name: 'requestIp', type: 'text' },
    ],
  }
}

import type { CollectionConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

/** Counters behind document numbers; incremented atomically by `nextCounterValue`, never by hand. */
export function createSequencesCollection({ access, options }: PluginContext): CollectionConfig {
  return {
    slug: options.slugs.sequences,
    access: access.sequences,
    admin: { group: 'Billing', hidden: true },
    fields: [
      { name: 'key', type: 'text', required: true, unique: true },
      { name: 'value', type: 'number', defaultValue: 0, required: true },
    ],
  }
}

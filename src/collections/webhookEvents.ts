import type { CollectionConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

/** The inbox of verified webhooks: one row per provider event id, processed idempotently by jobs. */
export function createWebhookEventsCollection({ access, options }: PluginContext): CollectionConfig {
  return {
    slug: options.slugs.webhookEvents,
    access: access.webhookEvents,
    admin: { defaultColumns: ['provider', 'eventId', 'type', 'status', 'attempts', 'createdAt'], group: 'Billing', useAsTitle: 'eventId' },
    defaultSort: '-createdAt',
    fields: [
      {
        name: 'provider',
        type: 'select',
        options: ['erp', 'stripe', 'mollie'].map((value) => ({ label: value, value })),
        required: true,
      },
      { name: 'eventId', type: 'text', required: true },
      { name: 'type', type: 'text', index: true },
      {
        name: 'status',
        type: 'select',
        defaultValue: 'received',
        index: true,
        options: ['received', 'processed', 'failed'].map((value) => ({ label: value, value })),
        required: true,
      },
      { name: 'attempts', type: 'number', defaultValue: 0 },
      { name: 'lastError', type: 'textarea' },
      { name: 'processedAt', type: 'date' },
      { name: 'payload', type: 'json', access: { read: access.staffField } },
    ],
    indexes: [{ fields: ['provider', 'eventId'], unique: true }],
  }
}

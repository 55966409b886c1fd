import type { CollectionConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { outboundEventTypes } from '../options.js'

export const deliveryStatuses = ['pending', 'retrying', 'delivered', 'failed'] as const
export type DeliveryStatus = (typeof deliveryStatuses)[number]

const options = (values: readonly string[]) => values.map((value) => ({ label: value, value }))

/**
 * The log of events sent to the ERP's endpoints: one row per event and endpoint, with every attempt's
 * outcome. Written only by the delivery job; staff read it and retry a delivery with its button.
 */
export function createWebhookDeliveriesCollection({ access, options: pluginOptions }: PluginContext): CollectionConfig {
  return {
    slug: pluginOptions.slugs.webhookDeliveries,
    access: access.webhookDeliveries,
    admin: { defaultColumns: ['type', 'url', 'status', 'attempts', 'lastStatusCode', 'createdAt'], group: 'Billing', useAsTitle: 'eventId' },
    defaultSort: '-createdAt',
    fields: [
      {
        name: 'retryDelivery',
        type: 'ui',
        admin: { components: { Field: 'payload-invoice-portal/client#RetryDeliveryButton' }, position: 'sidebar' },
      },
      { name: 'eventId', type: 'text', index: true, required: true, unique: true },
      { name: 'type', type: 'select', index: true, options: options(outboundEventTypes), required: true },
      { name: 'url', type: 'text', required: true },
      { name: 'status', type: 'select', defaultValue: 'pending', index: true, options: options(deliveryStatuses), required: true },
      { name: 'attempts', type: 'number', defaultValue: 0 },
      { name: 'lastStatusCode', type: 'number' },
      { name: 'lastError', type: 'textarea' },
      { name: 'lastAttemptAt', type: 'date' },
      { name: 'deliveredAt', type: 'date' },
      { name: 'payload', type: 'json', admin: { description: 'The body sent, byte for byte on every attempt.' } },
    ],
  }
}

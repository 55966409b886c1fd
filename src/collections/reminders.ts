import type { CollectionConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

export const reminderStatuses = ['sending', 'sent', 'skipped', 'failed'] as const
export type ReminderStatus = (typeof reminderStatuses)[number]

/**
 * One row per invoice and reminder step, claimed before the e-mail goes: the unique (invoice, step)
 * key is what keeps a step from being sent twice, by a re-run or by another app instance. A step
 * that was not sent (paid meanwhile, paused, a payment in progress) is kept as skipped, with why, so
 * it is never sent later by mistake. Written by the reminder sweep only; staff read it.
 */
export function createRemindersCollection({ access, options }: PluginContext): CollectionConfig {
  return {
    slug: options.slugs.reminders,
    access: access.reminders,
    admin: { defaultColumns: ['invoice', 'step', 'status', 'reason', 'sentAt'], group: 'Billing', useAsTitle: 'step' },
    defaultSort: '-createdAt',
    fields: [
      { name: 'invoice', type: 'relationship', index: true, relationTo: options.slugs.invoices, required: true },
      { name: 'client', type: 'relationship', index: true, relationTo: options.slugs.clients, required: true },
      { name: 'step', type: 'text', admin: { description: 'Days from the due date ("+7", "-3"), or "manual:<day>" for one sent by staff.' }, required: true },
      { name: 'days', type: 'number' },
      { name: 'status', type: 'select', index: true, options: reminderStatuses.map((value) => ({ label: value, value })), required: true },
      { name: 'reason', type: 'text', admin: { description: 'Why a step was skipped or failed.' } },
      { name: 'dueAt', type: 'date', admin: { date: { pickerAppearance: 'dayAndTime' }, description: 'When the step was due.' } },
      { name: 'sentAt', type: 'date', admin: { date: { pickerAppearance: 'dayAndTime' } } },
      { name: 'amountDue', type: 'number', admin: { description: 'Amount due the e-mail named, in minor units.' } },
      { name: 'recipients', type: 'text' },
    ],
    indexes: [{ fields: ['invoice', 'step'], unique: true }],
  }
}

import type { CollectionConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { currencyField } from '../fields/index.js'
import { externalIdField, externalVersionField } from '../fields/external.js'
import { reminderStepsField } from '../fields/reminderSteps.js'
import { replanClientReminders } from '../hooks/reminders.js'
import { endSessionsWithoutTwoFactor } from '../hooks/twoFactor.js'
import { isTimezone } from '../utilities/intl.js'

/** The billing account, and the boundary no contact can see across. */
export function createClientsCollection(ctx: PluginContext): CollectionConfig {
  const { access, options } = ctx
  return {
    slug: options.slugs.clients,
    access: access.clients,
    admin: { defaultColumns: ['name', 'billingEmail', 'currency', 'portalEnabled'], group: 'Billing', useAsTitle: 'name' },
    fields: [
      { name: 'name', type: 'text', required: true },
      { name: 'billingEmail', type: 'email' },
      currencyField(options.currency),
      {
        name: 'locale',
        type: 'select',
        defaultValue: 'en',
        options: [
          { label: 'English', value: 'en' },
          { label: 'Nederlands', value: 'nl' },
        ],
        required: true,
      },
      {
        name: 'timezone',
        type: 'text',
        admin: { description: 'IANA timezone, e.g. Europe/Amsterdam. Decides when an invoice is overdue and when reminders go out.' },
        defaultValue: 'UTC',
        required: true,
        validate: (value: null | string | undefined) =>
          !value || isTimezone(value) ? true : `"${value}" is not an IANA timezone (e.g. Europe/Amsterdam).`,
      },
      { name: 'taxId', type: 'text', label: 'Tax ID' },
      {
        name: 'address',
        type: 'group',
        fields: [
          { name: 'line1', type: 'text' },
          { name: 'line2', type: 'text' },
          { name: 'postalCode', type: 'text' },
          { name: 'city', type: 'text' },
          { name: 'region', type: 'text' },
          { name: 'country', type: 'text', admin: { description: 'ISO 3166-1 alpha-2, e.g. NL.' }, maxLength: 2 },
        ],
      },
      {
        name: 'portalEnabled',
        type: 'checkbox',
        admin: { description: "When off, this client's contacts can't sign in to the portal.", position: 'sidebar' },
        defaultValue: true,
      },
      {
        name: 'requireTwoFactor',
        type: 'checkbox',
        admin: {
          description: "Contacts must sign in with an authenticator app as well. Those without one set it up at their next sign-in, before anything else.",
          position: 'sidebar',
        },
        defaultValue: false,
        label: 'Require two-factor sign-in',
      },
      {
        name: 'reminders',
        type: 'group',
        access: { read: access.staffField },
        fields: [
          {
            name: 'paused',
            type: 'checkbox',
            admin: { description: 'No reminders for this client. Steps that fall due meanwhile are skipped, not sent later.' },
            label: 'Pause reminders',
          },
          reminderStepsField("This client's own sequence; empty follows the settings."),
        ],
      },
      externalIdField(access),
      externalVersionField(access),
    ],
    hooks: { afterChange: [replanClientReminders(ctx), endSessionsWithoutTwoFactor(ctx)] },
  }
}

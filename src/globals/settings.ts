import type { GlobalConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { moneyField } from '../fields/index.js'
import { reminderStepsField } from '../fields/reminderSteps.js'
import { replanAllReminders } from '../hooks/reminders.js'
import { settingsSlug } from '../options.js'
import { validateNumberPattern } from '../utilities/numberPattern.js'
import { sealSettingsSecrets, secretsSection } from './settingsSecrets.js'

const patternValidate = (value: null | string | undefined) => {
  if (!value) return true
  return validateNumberPattern(value) ?? true
}

/**
 * What staff tune without a deploy: branding, numbering, reminder steps, portal payment rules, and
 * provider keys and webhook secrets (write-only, encrypted at rest). No versions or drafts: a version
 * would be a second copy of the stored secrets.
 */
export function createSettingsGlobal(ctx: PluginContext): GlobalConfig {
  const { access, options } = ctx
  const { branding } = options.portal
  return {
    slug: settingsSlug,
    access: access.settings,
    admin: { group: 'Billing' },
    fields: [
      {
        name: 'branding',
        type: 'group',
        fields: [
          { name: 'name', type: 'text', defaultValue: branding.name },
          { name: 'logo', type: 'text', admin: { description: 'URL of the logo (PNG or JPEG on PDFs).' }, defaultValue: branding.logo },
          {
            type: 'row',
            fields: [
              { name: 'primaryColor', type: 'text', defaultValue: branding.primaryColor },
              { name: 'accentColor', type: 'text' },
            ],
          },
          {
            name: 'companyDetails',
            type: 'textarea',
            admin: { description: 'Address, tax and bank details printed under the name on PDFs, one item a line.' },
            defaultValue: branding.companyDetails,
          },
          { name: 'legalFooter', type: 'textarea', defaultValue: branding.legalFooter },
          {
            name: 'pdfFont',
            type: 'select',
            defaultValue: 'DejaVuSans',
            options: [
              { label: 'DejaVu Sans', value: 'DejaVuSans' },
              { label: 'DejaVu Serif', value: 'DejaVuSerif' },
            ],
          },
        ],
      },
      {
        name: 'numbering',
        type: 'group',
        admin: { description: 'Tokens: {YYYY} {YY} {MM} and {SEQ:n}. Empty uses the plugin default.' },
        fields: [
          { name: 'invoicePattern', type: 'text', admin: { placeholder: options.numbering.invoice }, validate: patternValidate },
          { name: 'creditNotePattern', type: 'text', admin: { placeholder: options.numbering.creditNote }, validate: patternValidate },
        ],
      },
      {
        name: 'reminders',
        type: 'group',
        fields: [
          {
            type: 'row',
            fields: [
              { name: 'enabled', type: 'checkbox', defaultValue: true, label: 'Send payment reminders' },
              {
                name: 'sendHour',
                type: 'number',
                admin: { description: `Local hour in each client's timezone; empty: ${options.reminders.sendHour}.` },
                max: 23,
                min: 0,
              },
            ],
          },
          reminderStepsField(`Empty: the plugin's steps (${options.reminders.steps.map(({ days }) => days).join(', ')} days from the due date).`),
        ],
      },
      {
        name: 'portal',
        type: 'group',
        fields: [
          { name: 'allowPartialPayment', type: 'checkbox', defaultValue: false },
          moneyField('minimumPartialAmount', { label: 'Minimum partial amount', min: 0 }),
        ],
      },
      secretsSection(),
    ],
    hooks: { afterChange: [replanAllReminders(ctx)], beforeChange: [sealSettingsSecrets(ctx)] },
  }
}

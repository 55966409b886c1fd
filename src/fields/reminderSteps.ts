import type { ArrayField } from 'payload'

import { reminderStepsProblem } from '../options.js'

/**
 * A reminder sequence as staff edit it: in the settings global (everyone's) and on a client (its own).
 * Checked with the same rule as the plugin option.
 */
export function reminderStepsField(description: string): ArrayField {
  return {
    name: 'steps',
    type: 'array',
    admin: { description },
    fields: [
      {
        type: 'row',
        fields: [
          { name: 'days', type: 'number', admin: { description: 'Relative to the due date: -3 is three days before, 7 a week after.' }, required: true },
          { name: 'attachPdf', type: 'checkbox', label: 'Attach the invoice PDF' },
        ],
      },
      { name: 'subject', type: 'text', admin: { description: 'Empty: the default for before, on or after the due date.' } },
      {
        name: 'body',
        type: 'textarea',
        admin: { description: 'Placeholders: {client} {contact} {number} {amountDue} {total} {dueDate} {daysOverdue} {link}. Empty: the default text.' },
      },
      {
        type: 'row',
        fields: [
          { name: 'copyTo', type: 'email', admin: { description: 'Escalation: a copy to this address.' } },
          { name: 'overdueEvent', type: 'checkbox', label: 'Escalation: send invoice.overdue to the ERP again' },
        ],
      },
    ],
    labels: { plural: 'Steps', singular: 'Step' },
    validate: (value: unknown) => {
      const problem = reminderStepsProblem(value ?? [])
      return problem ? `Reminder steps: ${problem}.` : true
    },
  }
}

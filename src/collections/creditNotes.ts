import type { CollectionConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { externalIdField, externalVersionField } from '../fields/external.js'
import { moneyField, pdfButtonField, statusField } from '../fields/index.js'
import { prepareCreditNote, settleCreditNoteInvoice } from '../hooks/creditNotes.js'
import { allowDeleteOnlyWhen } from '../hooks/deleteGuard.js'
import { creditNoteStatuses } from '../status/machines.js'
import { lineItemsField } from './invoices.js'
import { emitCreditNoteIssued } from '../hooks/outbound.js'

export function createCreditNotesCollection(ctx: PluginContext): CollectionConfig {
  const { access, options } = ctx
  return {
    slug: options.slugs.creditNotes,
    access: access.creditNotes,
    admin: { defaultColumns: ['number', 'invoice', 'amount', 'status'], group: 'Billing', useAsTitle: 'number' },
    defaultSort: '-createdAt',
    fields: [
      // First, so the PDF buttons lead the sidebar.
      pdfButtonField('credit-notes'),
      { name: 'number', type: 'text', admin: { description: 'Given when the credit note is issued, unless set.' }, index: true, unique: true },
      { name: 'invoice', type: 'relationship', index: true, relationTo: options.slugs.invoices, required: true },
      {
        name: 'client',
        type: 'relationship',
        admin: { description: "Taken from the invoice.", readOnly: true },
        index: true,
        relationTo: options.slugs.clients,
      },
      statusField(creditNoteStatuses, 'draft'),
      {
        type: 'row',
        fields: [
          { ...moneyField('amount', { min: 1 }), admin: { description: 'Minor units. Computed from the lines when there are any.' } },
          { name: 'currency', type: 'text', admin: { description: "The invoice's currency.", readOnly: true }, maxLength: 3 },
        ],
      },
      lineItemsField(),
      { name: 'reason', type: 'textarea' },
      { name: 'issuedAt', type: 'date', admin: { position: 'sidebar', readOnly: true } },
      externalIdField(access),
      externalVersionField(access),
    ],
    hooks: {
      afterChange: [settleCreditNoteInvoice(ctx), emitCreditNoteIssued(ctx)],
      beforeChange: [prepareCreditNote(ctx)],
      beforeDelete: [allowDeleteOnlyWhen(options.slugs.creditNotes, 'Credit note', ['draft'], 'Void it instead.')],
    },
  }
}

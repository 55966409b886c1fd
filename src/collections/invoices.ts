import type { CollectionConfig, Field } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { externalIdField, externalVersionField } from '../fields/external.js'
import { calendarDateField, currencyField, decimalField, derivedAccess, moneyField, pdfButtonField, statusField } from '../fields/index.js'
import { allowDeleteOnlyWhen } from '../hooks/deleteGuard.js'
import { auditInvoiceStatus, defaultInvoiceFromClient, prepareInvoice } from '../hooks/invoices.js'
import { invoiceStatuses } from '../status/machines.js'
import { emitInvoicePaid } from '../hooks/outbound.js'
import { planReminderVisit } from '../hooks/reminders.js'

const derived = { access: derivedAccess, admin: { readOnly: true } } as const

/** Lines of an invoice or credit note: quantity and tax rate are decimals, amounts minor units. */
export function lineItemsField(): Field {
  return {
    name: 'lineItems',
    type: 'array',
    fields: [
      { name: 'description', type: 'text', required: true },
      {
        type: 'row',
        fields: [
          decimalField('quantity', { defaultValue: '1', maxScale: 6, min: 0, required: true }),
          moneyField('unitAmount', { label: 'Unit amount', required: true }),
          decimalField('taxRate', { defaultValue: '0', description: 'Percent, e.g. 21', max: 100, maxScale: 4, min: 0, required: true }),
          { ...moneyField('amount', { derived: true }), label: 'Line total' },
        ],
      },
    ],
    admin: { description: 'Locked once issued: correct an issued document with a credit note.' },
    labels: { plural: 'Lines', singular: 'Line' },
  }
}

export function taxBreakdownField(): Field {
  return {
    name: 'taxBreakdown',
    type: 'array',
    ...derived,
    fields: [
      { name: 'rate', type: 'text', admin: { readOnly: true } },
      { name: 'base', type: 'number', admin: { readOnly: true } },
      { name: 'tax', type: 'number', admin: { readOnly: true } },
    ],
  }
}

export function createInvoicesCollection(ctx: PluginContext): CollectionConfig {
  const { access, options } = ctx
  return {
    slug: options.slugs.invoices,
    access: access.invoices,
    admin: {
      defaultColumns: ['number', 'client', 'status', 'total', 'amountDue', 'dueDate'],
      group: 'Billing',
      useAsTitle: 'number',
    },
    defaultSort: '-createdAt',
    fields: [
      // First, so the PDF buttons lead the sidebar.
      pdfButtonField('invoices'),
      {
        name: 'sendToClient',
        type: 'ui',
        admin: { components: { Field: 'payload-invoice-portal/client#SendInvoiceButton' }, position: 'sidebar' },
      },
      {
        name: 'number',
        type: 'text',
        admin: { description: 'Given from the numbering sequence when the invoice is issued, unless set.' },
        index: true,
        unique: true,
      },
      { name: 'client', type: 'relationship', index: true, relationTo: options.slugs.clients, required: true },
      statusField(invoiceStatuses, 'draft'),
      {
        type: 'row',
        fields: [calendarDateField('issueDate'), calendarDateField('dueDate'), { name: 'paymentTerms', type: 'text' }],
      },
      {
        type: 'row',
        fields: [
          currencyField(),
          decimalField('exchangeRate', {
            description: 'Rate to the base currency, as a decimal.',
            exclusiveMin: true,
            maxScale: 10,
            min: 0,
          }),
        ],
      },
      lineItemsField(),
      {
        type: 'collapsible',
        fields: [
          {
            name: 'totalsSummary',
            type: 'ui',
            admin: { components: { Field: 'payload-invoice-portal/client#InvoiceTotalsSummary' } },
          },
          {
            type: 'row',
            fields: [
              moneyField('subtotal', { derived: true }),
              moneyField('taxTotal', { derived: true }),
              moneyField('total', { derived: true }),
            ],
          },
          taxBreakdownField(),
          {
            type: 'row',
            fields: [
              moneyField('amountPaid', { derived: true }),
              moneyField('amountCredited', { derived: true }),
              moneyField('amountDue', { derived: true }),
            ],
          },
        ],
        label: 'Totals',
      },
      { name: 'notes', type: 'textarea' },
      {
        name: 'source',
        type: 'text',
        access: { read: access.staffField },
        admin: { position: 'sidebar' },
        defaultValue: 'manual',
      },
      externalIdField(access, false),
      externalVersionField(access),
      { name: 'sentAt', type: 'date', admin: { position: 'sidebar', readOnly: true } },
      {
        name: 'overdueAt',
        type: 'date',
        admin: { description: 'When the overdue sweep first found it overdue (and sent invoice.overdue).', position: 'sidebar', readOnly: true },
      },
      {
        name: 'reminders',
        type: 'ui',
        admin: { components: { Field: 'payload-invoice-portal/client#InvoiceReminders' }, position: 'sidebar' },
      },
      {
        name: 'nextReminderAt',
        type: 'date',
        access: { read: access.staffField, ...derived.access },
        admin: { hidden: true },
        index: true,
      },
      { name: 'paidAt', type: 'date', ...derived, admin: { position: 'sidebar', readOnly: true } },
      { name: 'voidedAt', type: 'date', ...derived, admin: { position: 'sidebar', readOnly: true } },
    ],
    hooks: {
      afterChange: [auditInvoiceStatus(ctx), emitInvoicePaid(ctx)],
      beforeChange: [prepareInvoice(ctx), planReminderVisit()],
      beforeDelete: [allowDeleteOnlyWhen(options.slugs.invoices, 'Invoice', ['draft'], 'Void it instead.')],
      beforeValidate: [defaultInvoiceFromClient(ctx)],
    },
    indexes: [
      { fields: ['source', 'externalId'], unique: true },
      // A contact's list is one client's invoices in one order (the portal's sorts), filtered by status:
      // each sort has an index that starts with the client, so page N reads N pages of index, not the
      // client's every row. Status comes last so that counting a page's total (with "not a draft",
      // which every contact's query carries) reads the index alone. See bench/REPORT.md.
      ...['issueDate', 'dueDate', 'total', 'number'].map((sort) => ({ fields: ['client', sort, 'status'] })),
      // Status filters, the dashboard's balance and the next invoice due.
      { fields: ['client', 'status', 'dueDate'] },
    ],
  }
}

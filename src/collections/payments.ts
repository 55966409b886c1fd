import type { CollectionConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { currencyField, moneyField, pdfButtonField, statusField } from '../fields/index.js'
import { allowDeleteOnlyWhen } from '../hooks/deleteGuard.js'
import { preparePayment, settleAfterPaymentDelete, settlePaymentInvoices } from '../hooks/payments.js'
import { paymentStatuses } from '../status/machines.js'
import { emitPaymentEvents } from '../hooks/outbound.js'

export const paymentProviders = ['stripe', 'mollie', 'manual', 'erp'] as const
export const paymentMethods = ['card', 'ideal', 'sepa_debit', 'bancontact', 'bank_transfer', 'cash', 'other'] as const

const toOptions = (values: readonly string[]) =>
  values.map((value) => ({ label: value.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()), value }))

export function createPaymentsCollection(ctx: PluginContext): CollectionConfig {
  const { access, options } = ctx
  return {
    slug: options.slugs.payments,
    access: access.payments,
    admin: { defaultColumns: ['client', 'amount', 'currency', 'status', 'provider', 'paidAt'], group: 'Billing' },
    defaultSort: '-createdAt',
    fields: [
      // First, so the PDF buttons lead the sidebar.
      pdfButtonField('receipts', 'receipt'),
      { name: 'client', type: 'relationship', index: true, relationTo: options.slugs.clients, required: true },
      { type: 'row', fields: [moneyField('amount', { min: 1, required: true }), currencyField(options.currency)] },
      statusField(paymentStatuses, 'pending'),
      {
        type: 'row',
        fields: [
          { name: 'provider', type: 'select', defaultValue: 'manual', options: toOptions(paymentProviders), required: true },
          { name: 'method', type: 'select', options: toOptions(paymentMethods) },
        ],
      },
      {
        name: 'providerRef',
        type: 'text',
        access: { create: access.staffField, read: access.staffField, update: access.staffField },
        admin: { description: "The provider's id (Stripe PaymentIntent, Mollie payment)." },
      },
      {
        name: 'allocations',
        type: 'array',
        admin: { description: 'Which invoices this payment settles, and how much of each.' },
        fields: [
          {
            type: 'row',
            fields: [
              { name: 'invoice', type: 'relationship', index: true, relationTo: options.slugs.invoices, required: true },
              moneyField('amount', { min: 1, required: true }),
            ],
          },
        ],
      },
      {
        type: 'row',
        fields: [
          moneyField('amountRefunded', { min: 0 }),
          moneyField('amountChargedBack', { label: 'Charged back (dispute)', min: 0 }),
        ],
      },
      { name: 'paidAt', type: 'date', admin: { position: 'sidebar' } },
      {
        name: 'contact',
        type: 'relationship',
        admin: { description: 'The contact who started this payment in the portal.', position: 'sidebar', readOnly: true },
        relationTo: options.slugs.contacts,
      },
      { name: 'failureReason', type: 'text', admin: { readOnly: true } },
      {
        name: 'receiptSentAt',
        type: 'date',
        access: { create: access.staffField, read: access.staffField, update: access.staffField },
        admin: { description: 'When the receipt e-mail went out; it is sent once per payment.', position: 'sidebar', readOnly: true },
      },
      { name: 'notes', type: 'textarea' },
    ],
    hooks: {
      afterChange: [settlePaymentInvoices(ctx), emitPaymentEvents(ctx)],
      afterDelete: [settleAfterPaymentDelete(ctx)],
      beforeChange: [preparePayment(ctx)],
      beforeDelete: [allowDeleteOnlyWhen(options.slugs.payments, 'Payment', ['pending', 'failed', 'canceled'], 'Refund it instead.')],
    },
    indexes: [{ fields: ['provider', 'providerRef'], unique: true }],
  }
}

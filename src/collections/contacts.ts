import { APIError, type CollectionConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'
import { externalIdField, externalVersionField } from '../fields/external.js'
import { recordEvent } from '../hooks/audit.js'
import { hookFlags } from '../utilities/context.js'
import { resetPasswordEmail } from '../hooks/contactEmails.js'
import { loginFailureAudit, throttleAfterLogin, throttleBeforeOperation } from '../hooks/throttle.js'

/**
 * The people of a client who sign in to the portal. An auth collection of its own, apart from the
 * host's admin users; `access.admin` keeps every contact out of /admin.
 */
export function createContactsCollection({ access, options }: PluginContext): CollectionConfig {
  const staffWritable = access.staffWritableField
  return {
    slug: options.slugs.contacts,
    access: access.contacts,
    admin: { defaultColumns: ['name', 'email', 'client', 'role'], group: 'Billing', useAsTitle: 'email' },
    auth: {
      // The client id, not the client document, goes into the session: access rules need only the id.
      depth: 0,
      lockTime: 15 * 60 * 1000,
      maxLoginAttempts: 5,
      tokenExpiration: 60 * 60 * 8,
      forgotPassword: {
        expiration: 60 * 60 * 1000,
        generateEmailHTML: async (args) => (await resetPasswordEmail({ access, options }, args)).html,
        generateEmailSubject: async (args) => (await resetPasswordEmail({ access, options }, args)).subject,
      },
    },
    fields: [
      { name: 'email', type: 'email', access: staffWritable, index: true, required: true, unique: true },
      { name: 'name', type: 'text', required: true },
      {
        name: 'client',
        type: 'relationship',
        access: staffWritable,
        index: true,
        relationTo: options.slugs.clients,
        required: true,
        saveToJWT: true,
      },
      {
        name: 'role',
        type: 'select',
        access: staffWritable,
        admin: { description: 'Billing contacts can pay; viewers can only look.' },
        defaultValue: 'billing',
        options: [
          { label: 'Billing (can pay)', value: 'billing' },
          { label: 'Viewer', value: 'viewer' },
        ],
        required: true,
        saveToJWT: true,
      },
      {
        name: 'notifications',
        type: 'group',
        fields: [
          { name: 'invoiceIssued', type: 'checkbox', defaultValue: true, label: 'New invoices' },
          { name: 'paymentReceived', type: 'checkbox', defaultValue: true, label: 'Payment receipts' },
          { name: 'reminders', type: 'checkbox', defaultValue: true, label: 'Payment reminders' },
        ],
      },
      {
        name: 'lastLoginAt',
        type: 'date',
        access: { create: () => false, update: () => false },
        admin: { position: 'sidebar', readOnly: true },
      },
      externalIdField(access),
      externalVersionField(access),
    ],
    hooks: {
      afterError: [loginFailureAudit({ access, options })],
      afterLogin: [
        throttleAfterLogin({ access, options }),
        async ({ context, req, user }) => {
          if (hookFlags(context).verifyPassword) return
          await req.payload.update({
            collection: options.slugs.contacts,
            data: { lastLoginAt: new Date().toISOString() },
            id: user.id,
            req,
          })
          await recordEvent({ access, options }, req, { client: user.client, contact: user.id, type: 'login' })
        },
      ],
      beforeOperation: [throttleBeforeOperation({ access, options })],
      // Runs after the password is checked, so it tells nothing to someone who does not know it.
      beforeLogin: [
        async ({ req, user }) => {
          const clientId = relationId(user.client)
          const client = clientId === null ? null : await req.payload.findByID({ collection: options.slugs.clients, depth: 0, disableErrors: true, id: clientId, req })
          if (!client || (client as { portalEnabled?: boolean }).portalEnabled === false) {
            throw new APIError('The portal is not enabled for this client.', 403)
          }
          return user
        },
      ],
    },
  }
}

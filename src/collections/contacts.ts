import { APIError, type CollectionConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'
import { externalIdField, externalVersionField } from '../fields/external.js'
import { recordSignIn } from '../hooks/audit.js'
import { hookFlags } from '../utilities/context.js'
import { resetPasswordEmail } from '../hooks/contactEmails.js'
import { loginFailureAudit, throttleAfterLogin, throttleBeforeOperation } from '../hooks/throttle.js'
import { signInTwoFactor, twoFactorBeforeLogin, twoFactorStaffReset } from '../hooks/twoFactor.js'

const noWrite = { create: () => false, update: () => false }

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
      {
        name: 'twoFactor',
        type: 'group',
        admin: { description: 'Set up by the contact in the portal (an authenticator app and recovery codes). Switch it off to reset a contact who lost its phone.' },
        label: 'Two-factor sign-in',
        fields: [
          { name: 'enabled', type: 'checkbox', access: staffWritable, defaultValue: false },
          { name: 'enabledAt', type: 'date', access: noWrite, admin: { readOnly: true } },
          // Sealed (security/secrets.ts) or hashed, hidden from every API; written by security/twoFactor.ts alone.
          { name: 'secret', type: 'text', access: noWrite, hidden: true },
          { name: 'pendingSecret', type: 'text', access: noWrite, hidden: true },
          { name: 'recoveryCodes', type: 'json', access: noWrite, hidden: true },
          { name: 'lastStep', type: 'number', access: noWrite, hidden: true },
        ],
      },
      externalIdField(access),
      externalVersionField(access),
    ],
    hooks: {
      afterError: [loginFailureAudit({ access, options })],
      afterLogin: [
        throttleAfterLogin({ access, options }),
        async ({ context, req, user }) => {
          // A sign-in whose second step is still to come is recorded when that step is passed.
          if (hookFlags(context).verifyPassword || signInTwoFactor(req).deferred) return
          await recordSignIn({ access, options }, req, user as never, signInTwoFactor(req).factor)
        },
      ],
      beforeChange: [twoFactorStaffReset({ access, options })],
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
        twoFactorBeforeLogin({ access, options }),
      ],
    },
  }
}

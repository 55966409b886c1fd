export { invoicePortalPlugin } from './plugin.js'
export { createAccess } from './access/index.js'
export type { PortalAccess } from './access/index.js'
export { createClientsCollection } from './collections/clients.js'
export { createContactsCollection } from './collections/contacts.js'
export { createCreditNotesCollection } from './collections/creditNotes.js'
export { createDocumentsCollection } from './collections/documents.js'
export { createInvoicesCollection } from './collections/invoices.js'
export { createPaymentsCollection } from './collections/payments.js'
export { createPortalEventsCollection } from './collections/portalEvents.js'
export { createPortalTokensCollection } from './collections/portalTokens.js'
export { createSequencesCollection } from './collections/sequences.js'
export { createWebhookEventsCollection } from './collections/webhookEvents.js'
export { createSettingsGlobal } from './globals/settings.js'
export * from './money/index.js'
export { defaultSlugs, InvoicePortalOptionError, sanitizeOptions, settingsSlug } from './options.js'
export type {
  CollectionOptions,
  CollectionOverride,
  InvoicePortalCollection,
  InvoicePortalPluginOptions,
  PortalBranding,
  SanitizedOptions,
} from './options.js'
export * from './status/machines.js'
export type { CheckoutRequest, PaymentMethodName, PaymentProvider, PaymentProviderName, ProviderPaymentState, StoredSecrets, VerifiedWebhook } from './payments/types.js'
export { type ProviderSecretName, providerSecretNames, SecretNotConfigured } from './security/providerSecrets.js'
export { rotateSecrets, type RotationCounts, type SecretStore, secretStores, settingsSecretStore } from './security/rotation.js'
export { SecretUnreadable } from './security/secrets.js'

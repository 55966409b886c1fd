import type { Access, CollectionConfig, Config } from 'payload'

import type { PluginContext } from './utilities/context.js'

import { createAccess } from './access/index.js'
import { createClientsCollection } from './collections/clients.js'
import { createContactsCollection } from './collections/contacts.js'
import { createCreditNotesCollection } from './collections/creditNotes.js'
import { createDocumentsCollection } from './collections/documents.js'
import { createInvoicesCollection } from './collections/invoices.js'
import { createPaymentsCollection } from './collections/payments.js'
import { createPdfCacheCollection } from './collections/pdfCache.js'
import { createPortalEventsCollection } from './collections/portalEvents.js'
import { createPortalTokensCollection } from './collections/portalTokens.js'
import { createSequencesCollection } from './collections/sequences.js'
import { createWebhookDeliveriesCollection } from './collections/webhookDeliveries.js'
import { createWebhookEventsCollection } from './collections/webhookEvents.js'
import { createRetryDeliveryEndpoint } from './endpoints/retryDelivery.js'
import { createAuditExportEndpoint } from './endpoints/auditExport.js'
import { rejectMalformedId } from './hooks/malformedId.js'
import { loginFailureAudit, throttleAfterLogin, throttleBeforeOperation } from './hooks/throttle.js'
import { createReminderEndpoints } from './endpoints/reminders.js'
import { createSendInvoiceEndpoint } from './endpoints/sendInvoice.js'
import { createUnsubscribeEndpoints } from './endpoints/unsubscribe.js'
import { createWebhookEndpoint } from './endpoints/webhooks.js'
import { erpWebhookSource } from './erp/source.js'
import { createPdfEndpoint } from './endpoints/pdf.js'
import { createSettingsGlobal } from './globals/settings.js'
import { createInboxAndMailTasks } from './jobs/tasks.js'
import { createRemindersCollection } from './collections/reminders.js'
import { createThrottlesCollection } from './collections/throttles.js'
import { startSchedules } from './jobs/schedules.js'
import { createZipTask } from './jobs/zipTask.js'
import { type InvoicePortalCollection, type InvoicePortalPluginOptions, PORTAL_CONFIG_KEY, sanitizeOptions } from './options.js'

const factories: Record<InvoicePortalCollection, (ctx: PluginContext) => CollectionConfig> = {
  clients: createClientsCollection,
  contacts: createContactsCollection,
  creditNotes: createCreditNotesCollection,
  documents: createDocumentsCollection,
  invoices: createInvoicesCollection,
  payments: createPaymentsCollection,
  pdfCache: createPdfCacheCollection,
  portalEvents: createPortalEventsCollection,
  portalTokens: createPortalTokensCollection,
  reminders: createRemindersCollection,
  sequences: createSequencesCollection,
  throttles: createThrottlesCollection,
  webhookDeliveries: createWebhookDeliveriesCollection,
  webhookEvents: createWebhookEventsCollection,
}

const accessOperations = ['create', 'read', 'update', 'delete', 'readVersions', 'unlock'] as const

/**
 * Adds a client billing portal to a Payload app: the billing collections with row-level access, money
 * and status rules, and (unless `disabled`) the endpoints, jobs and portal.
 */
export const invoicePortalPlugin =
  (pluginOptions: InvoicePortalPluginOptions = {}) =>
  (incomingConfig: Config): Config => {
    // A throttled request is expected traffic under attack, not a fault: one line each, no stack (security/throttle.ts).
    const config: Config = { ...incomingConfig, loggingLevels: { ...({ TooManyAttempts: 'info', TwoFactorRequired: 'info' } as Config['loggingLevels']), ...incomingConfig.loggingLevels } }
    const hostCollections = config.collections ?? []
    const adminUserSlug = config.admin?.user ?? hostCollections.find((collection) => collection.auth)?.slug ?? 'users'
    const options = sanitizeOptions(pluginOptions, {
      adminUserSlug,
      existingSlugs: hostCollections.map((collection) => collection.slug),
    })
    const access = createAccess(options)
    const ctx: PluginContext = { access, options }

    const pluginCollections = (Object.keys(factories) as InvoicePortalCollection[]).map((key) => {
      const defaultCollection = factories[key](ctx)
      const override = options.overrides[key]
      const collection = override ? override({ defaultCollection }) : defaultCollection
      if (collection.slug !== options.slugs[key]) {
        throw new Error(
          `payload-invoice-portal: the override of "${key}" changed its slug to "${collection.slug}"; use collections.${key}.slug instead so relationships follow it`,
        )
      }
      return { ...collection, hooks: { ...collection.hooks, beforeOperation: [rejectMalformedId, ...(collection.hooks?.beforeOperation ?? [])] } }
    })

    // Portal contacts are logged-in users too, and Payload 3's default access lets any logged-in user in.
    // Close the host's collections and globals to contacts wherever the host left access at its default,
    // and always close the admin user collection to them.
    const closeToContacts = <T extends { access?: Record<string, unknown> }>(entity: T, always: boolean): T => {
      const hostAccess = { ...(entity.access ?? {}) } as Record<string, Access | undefined>
      for (const operation of accessOperations) {
        if (always || hostAccess[operation] === undefined) {
          hostAccess[operation] = access.denyContacts(hostAccess[operation], ({ req }) => Boolean(req.user))
        }
      }
      return { ...entity, access: hostAccess }
    }
    // Staff sign in to the same server: their sign-ins and reset requests are throttled as contacts' are.
    const throttleStaffSignIn = (collection: CollectionConfig): CollectionConfig => ({
      ...collection,
      hooks: {
        ...collection.hooks,
        afterError: [...(collection.hooks?.afterError ?? []), loginFailureAudit(ctx)],
        afterLogin: [throttleAfterLogin(ctx), ...(collection.hooks?.afterLogin ?? [])],
        beforeOperation: [throttleBeforeOperation(ctx), ...(collection.hooks?.beforeOperation ?? [])],
      },
    })
    config.collections = [
      ...hostCollections.map((collection) => (collection.slug === adminUserSlug ? throttleStaffSignIn(closeToContacts(collection, true)) : closeToContacts(collection, false))),
      ...pluginCollections,
    ]
    config.globals = [
      ...(config.globals ?? []).map((global) => closeToContacts(global as never, false)),
      createSettingsGlobal(ctx),
    ]

    const hostJobsAccess = config.jobs?.access
    config.jobs = {
      ...config.jobs,
      // Tasks are registered even when disabled, so the jobs table (part of the schema) stays.
      tasks: [...(config.jobs?.tasks ?? []), createZipTask(ctx), ...createInboxAndMailTasks(ctx)],
      access: {
        ...hostJobsAccess,
        cancel: access.denyContacts(hostJobsAccess?.cancel as Access | undefined) as never,
        queue: access.denyContacts(hostJobsAccess?.queue as Access | undefined) as never,
        run: access.denyContacts(hostJobsAccess?.run as Access | undefined) as never,
      },
    }

    // The portal (mounted by the host's route files) reads the sanitized options from here.
    config.custom = { ...config.custom, [PORTAL_CONFIG_KEY]: options }

    const hostOnInit = config.onInit
    config.onInit = async (payload) => {
      await hostOnInit?.(payload)
      if (options.secrets.keys.length === 0) {
        payload.logger.warn(
          'payload-invoice-portal: no secrets.keys configured, so secrets at rest (provider keys and webhook secrets in the settings, two-factor secrets) are sealed under a key derived from PAYLOAD_SECRET; changing PAYLOAD_SECRET makes them unreadable. Configure keys of their own (openssl rand -base64 32).',
        )
      }
      if (!options.disabled) startSchedules({ ...ctx, payload })
    }

    // Everything above keeps the schema stable; what follows is behaviour that `disabled` switches off.
    if (options.disabled) return config

    // Webhooks first: Payload compiles the path of each endpoint it tries, per request, in order, and
    // they take hundreds of deliveries a second. The ERP's is always there: its secret may be entered
    // in the settings at any time, and until then a push is refused with the reason.
    config.endpoints = [
      ...options.payments.providers.map((provider) => createWebhookEndpoint(ctx, provider)),
      createWebhookEndpoint(ctx, erpWebhookSource(options.erp.secrets)),
      ...(config.endpoints ?? []),
      createPdfEndpoint(ctx),
      createSendInvoiceEndpoint(ctx),
      ...createReminderEndpoints(ctx),
      ...createUnsubscribeEndpoints(ctx),
      createRetryDeliveryEndpoint(ctx),
      createAuditExportEndpoint(ctx),
    ]
    return config
  }

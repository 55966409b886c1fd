import type { CollectionConfig, PayloadRequest } from 'payload'

import type { PaymentProvider } from './payments/types.js'
import { providerSecretProblem } from './security/providerSecrets.js'
import { parseSecretKey, type SecretKey } from './security/secrets.js'

/** The events the portal sends to the ERP's endpoints (`erp.outbound`). */
export const outboundEventTypes = ['invoice.paid', 'invoice.overdue', 'payment.succeeded', 'payment.refunded', 'credit_note.issued'] as const
export type OutboundEventType = (typeof outboundEventTypes)[number]

import { validate as isCronExpression } from 'node-cron'

import { isCurrency } from './money/currencies.js'
import { validateNumberPattern } from './utilities/numberPattern.js'

/** Receives the plugin's collection and returns the one to use (add fields, hooks, admin options). */
export type CollectionOverride = (args: { defaultCollection: CollectionConfig }) => CollectionConfig

/** The plugin's collections, by the key used in options (their default slugs are in `defaultSlugs`). */
export type InvoicePortalCollection =
  | 'clients'
  | 'contacts'
  | 'creditNotes'
  | 'documents'
  | 'invoices'
  | 'payments'
  | 'pdfCache'
  | 'portalEvents'
  | 'portalTokens'
  | 'reminders'
  | 'sequences'
  | 'throttles'
  | 'webhookDeliveries'
  | 'webhookEvents'

export const defaultSlugs: Record<InvoicePortalCollection, string> = {
  clients: 'clients',
  contacts: 'contacts',
  creditNotes: 'credit-notes',
  documents: 'documents',
  invoices: 'invoices',
  payments: 'payments',
  pdfCache: 'invoice-portal-pdf-cache',
  portalEvents: 'portal-events',
  portalTokens: 'invoice-portal-tokens',
  reminders: 'invoice-portal-reminders',
  sequences: 'invoice-portal-sequences',
  throttles: 'invoice-portal-throttles',
  webhookDeliveries: 'invoice-portal-webhook-deliveries',
  webhookEvents: 'webhook-events',
}

export const settingsSlug = 'invoice-portal-settings'

/** Where the plugin keeps its sanitized options in `config.custom`, for the portal to read. */
export const PORTAL_CONFIG_KEY = 'invoicePortal'

export type CollectionOptions = {
  /** Replaces the collection produced by the plugin; receives it as `defaultCollection`. */
  override?: CollectionOverride
  /** Slug to use instead of the default; relationships follow it. */
  slug?: string
}

export type PortalBranding = {
  /** Company address, tax and bank details printed under the name on PDFs, one item a line. */
  companyDetails?: string
  /** Legal text printed at the foot of the portal and of PDFs (company number, VAT id, address). */
  legalFooter?: string
  /** URL or path of the logo shown in the portal and on PDFs. */
  logo?: string
  /** Name shown in the portal header and on PDFs. @default the host's admin title or "Billing" */
  name?: string
  /** Brand colour as a CSS hex colour (#1d4ed8). @default '#1d4ed8' */
  primaryColor?: string
}

export type InvoicePortalPluginOptions = {
  /**
   * Narrows who counts as staff among the host's admin users (`admin.user` collection).
   * Staff have full access to the plugin's collections; everyone else in that collection gets none.
   * @default every user of the admin user collection is staff
   */
  access?: {
    isStaff?: (args: { req: PayloadRequest }) => boolean
  }
  /** Per-collection slug and override, keyed by collection. */
  collections?: Partial<Record<InvoicePortalCollection, CollectionOptions>>
  /** Default ISO 4217 currency of new clients and invoices. @default 'EUR' */
  currency?: string
  /**
   * Keeps every collection and field, with their money and status rules (so the database schema and
   * migrations stay stable and data stays correct), but mounts no endpoints, jobs or portal.
   * @default false
   */
  disabled?: boolean
  /** Uploads, PDFs and ZIP downloads. */
  documents?: {
    /** Worker threads that render PDFs. @default the number of CPUs, at most 4 */
    pdfWorkers?: number
    /** Directory where uploaded files are stored. @default '<cwd>/invoice-portal-documents' */
    staticDir?: string
    /**
     * A ZIP of more invoices than this is built by a background job and shared under Documents,
     * instead of streamed to the browser. @default 200
     */
    zipJobThreshold?: number
    /** Most invoices one ZIP may hold. @default 10000 */
    zipMaxInvoices?: number
  }
  /**
   * The ERP or accounting system that pushes clients, contacts, invoices, credit notes and payments
   * to `POST /api/invoice-portal/erp/webhook` (README, "ERP integration"). Until a secret is set, here
   * or in the settings, every push is refused (400).
   */
  erp?: {
    /**
     * Where the portal sends signed events (same signature scheme as inbound, with each endpoint's own
     * secret): `invoice.paid`, `invoice.overdue`, `payment.succeeded`, `payment.refunded`, `credit_note.issued`. Each
     * delivery is logged (collection `invoice-portal-webhook-deliveries`) and retried by a job with
     * exponential backoff; staff can retry one by hand.
     */
    outbound?: Array<{
      /** Only these event types; @default all */
      events?: OutboundEventType[]
      /** Signs the events sent to this URL (at least 16 characters). */
      secret: string
      /** An absolute http(s) URL. */
      url: string
    }>
    /**
     * When the sweep that finds newly overdue invoices (and sends `invoice.overdue`) is queued, as a
     * node-cron expression; hourly, so each client's midnight is caught within the hour. `false`
     * leaves it to the host (queue the `invoicePortalOverdueSweep` task yourself). It runs only when
     * an endpoint wants `invoice.overdue`. @default '0 * * * *'
     */
    overdueCron?: false | string
    /** Retries of a failed delivery: how many, and the first wait (it doubles each time). @default { attempts: 8, delaySeconds: 30 } */
    outboundRetry?: { attempts?: number; delaySeconds?: number }
    /**
     * Secret of the HMAC-SHA256 signature in `X-Invoice-Portal-Signature`, at least 16 characters.
     * Several while one is rotated: a push signed with any of them is accepted.
     * @default the ERP webhook secret staff enter in the settings (kept encrypted)
     */
    webhookSecret?: string | string[]
  }
  /**
   * Default numbering patterns, used until staff change them in the settings global.
   * Tokens: `{YYYY}`, `{YY}`, `{MM}` (from the issue date) and `{SEQ:n}` (the counter, zero-padded to n
   * digits). The counter restarts whenever the text around it changes, e.g. every year with `{YYYY}`.
   */
  numbering?: {
    /** @default 'CN-{YYYY}-{SEQ:5}' */
    creditNote?: string
    /** @default 'INV-{YYYY}-{SEQ:5}' */
    invoice?: string
  }
  /**
   * Payment providers contacts pay with from the portal, e.g.
   * `[stripeProvider({ secretKey, webhookSecret }), mollieProvider({ apiKey })]` from
   * `payload-invoice-portal/payments/stripe` and `/payments/mollie`; keys left out are read from the
   * settings, where staff enter them. @default [] (no online payment)
   */
  payments?: PaymentProvider[]
  /** Re-asks providers about payments their webhooks never settled (a missed or lost webhook). */
  paymentReconciliation?: {
    /**
     * When the sweep is queued, as a node-cron expression; `false` leaves it to the host (queue the
     * `invoicePortalReconcilePayments` task yourself). @default '*\/15 * * * *' (every 15 minutes)
     */
    cron?: false | string
    /** A pending or processing payment is re-checked once it has not changed for this long. @default 60 */
    staleAfterMinutes?: number
  }
  /**
   * Payment reminders: a sequence of steps around each invoice's due date, e-mailed to the client's
   * billing contacts at a local hour in the client's timezone. Staff can replace the steps in the
   * settings global, and per client (or pause a client's reminders).
   */
  reminders?: {
    /**
     * When the sweep that sends due reminders is queued, as a node-cron expression; hourly, so each
     * client's local sending hour is caught. `false` leaves it to the host (queue the
     * `invoicePortalReminderSweep` task yourself). @default '0 * * * *'
     */
    cron?: false | string
    /**
     * A step is skipped (not sent later) when the client was e-mailed about the invoice fewer than this
     * many days before: the invoice itself, or another reminder. @default 2
     */
    minimumGapDays?: number
    /** Local hour (0–23, the client's timezone) from which a day's reminders go out. @default 9 */
    sendHour?: number
    /** The steps, until staff set their own. @default [{ days: -3 }, { days: 1 }, { days: 7 }, { days: 14 }] */
    steps?: ReminderStep[]
  }
  /** The client portal. */
  portal?: {
    /**
     * Absolute URL the portal is reached at from outside, for links in e-mails (magic links, password
     * resets). @default the config's `serverURL`, else the address the request came in on
     */
    baseUrl?: string
    branding?: PortalBranding
    /** Minutes a magic sign-in link stays valid. @default 15 */
    magicLinkMinutes?: number
    /** Path the host mounts the portal at. @default '/portal' */
    route?: string
    /**
     * How many sign-in failures, magic-link and password-reset requests one e-mail address and one IP
     * address may make in a window, counted in PostgreSQL so that every app instance shares them.
     * Past a limit the request is refused with 429 and `Retry-After` until its window ends, before any
     * password is checked or e-mail sent. Through the portal, REST, GraphQL and the Local API alike.
     * @default login: 10 per e-mail and 50 per IP in 15 minutes; magicLink and passwordReset: 10 per
     * e-mail and 30 per IP in an hour (a contact is also sent at most 5 links per link lifetime)
     */
    throttle?: Partial<Record<ThrottledAction, Partial<ThrottleRule>>> & {
      /**
       * Keep the counters in Redis instead of PostgreSQL (`redis://host:6379/0`); every instance must
       * use the same. When Redis cannot be reached, requests are counted in PostgreSQL meanwhile.
       */
      redis?: { keyPrefix?: string; url: string }
    }
    /**
     * Minutes after signing in during which a contact may change its security settings (two-factor
     * sign-in, recovery codes) and start payments; after that the portal asks it to sign in again
     * first. @default 30
     */
    reauthAfterMinutes?: number
    /** Name shown in authenticator apps next to the contact's e-mail address. @default the branding's name, else 'Billing portal' */
    twoFactorIssuer?: string
  }
  /**
   * Secrets at rest (provider keys and webhook secrets entered in the settings, contacts' two-factor
   * secrets) are encrypted with AES-256-GCM under these keys: 32 random bytes each, base64 or hex
   * (`openssl rand -base64 32`), read from the environment. The first encrypts; every listed key
   * decrypts, so a key is rotated by putting a new one first, running `rotateSecrets`, and then
   * dropping the old one. @default one key derived from Payload's `secret`
   */
  secrets?: { keys?: string[] }
}

/** What is throttled: failed sign-ins, and requests that send an e-mail. */
export type ThrottledAction = 'login' | 'magicLink' | 'passwordReset'

export type ThrottleRule = {
  /** Most counted requests for one e-mail address in a window. */
  perEmail: number
  /** Most counted requests from one IP address in a window (from `X-Forwarded-For`, see the README). */
  perIp: number
  /** Length of the window, in seconds. */
  windowSeconds: number
}

/** One step of a reminder sequence. */
export type ReminderStep = {
  /** Attach the invoice PDF. @default false */
  attachPdf?: boolean
  /**
   * Template of the e-mail's text. Placeholders: {client}, {contact}, {number}, {amountDue}, {total},
   * {dueDate}, {daysOverdue}, {link}. @default a text for before, on or after the due date
   */
  body?: string
  /** Escalation: a copy of the e-mail to this address (e.g. the account manager or a collector). */
  copyTo?: string
  /** Days relative to the due date: -3 is three days before, 0 the due date, 7 a week after. Unique within a sequence. */
  days: number
  /** Escalation: send the outbound `invoice.overdue` event again with this step (erp.outbound). @default false */
  overdueEvent?: boolean
  /** Template of the subject, with the same placeholders. */
  subject?: string
}

export type SanitizedOptions = {
  currency: string
  disabled: boolean
  documentsStaticDir: string | undefined
  /** ERP webhook secrets given in the code (none: the settings' one is used), and where outbound events go. */
  erp: {
    outbound: Array<{ events: OutboundEventType[]; secret: string; url: string }>
    overdueCron: false | string
    outboundRetry: { attempts: number; delaySeconds: number }
    secrets: string[]
  }
  pdf: { workers: number | undefined; zipJobThreshold: number; zipMaxInvoices: number }
  isStaff: (args: { req: PayloadRequest }) => boolean
  numbering: { creditNote: string; invoice: string }
  overrides: Partial<Record<InvoicePortalCollection, CollectionOverride>>
  payments: { providers: PaymentProvider[]; reconcileCron: false | string; staleAfterMinutes: number }
  reminders: { cron: false | string; minimumGapDays: number; sendHour: number; steps: ReminderStep[] }
  portal: {
    baseUrl: string | undefined
    branding: Required<Pick<PortalBranding, 'primaryColor'>> & PortalBranding
    magicLinkMinutes: number
    reauthAfterMinutes: number
    route: string
    throttle: Record<ThrottledAction, ThrottleRule>
    /** Where the throttle counts when not in PostgreSQL. */
    throttleRedis: undefined | { keyPrefix: string; url: string }
    twoFactorIssuer: string | undefined
  }
  /** Keys for secrets at rest, newest first; empty means one derived from Payload's secret. */
  secrets: { keys: SecretKey[] }
  slugs: Record<InvoicePortalCollection, string>
  /** Slug of the host's admin user collection: its users are staff. */
  staffSlug: string
}

export class InvoicePortalOptionError extends Error {
  constructor(option: string, problem: string) {
    super(`payload-invoice-portal: option "${option}" ${problem}`)
    this.name = 'InvoicePortalOptionError'
  }
}

const KNOWN_OPTIONS = ['access', 'collections', 'currency', 'disabled', 'documents', 'erp', 'numbering', 'paymentReconciliation', 'payments', 'portal', 'reminders', 'secrets']
const PROVIDER_METHODS = ['fetchState', 'paymentOf', 'startCheckout', 'verifyWebhook'] as const
const SLUG_PATTERN = /^[a-z][a-z0-9-]*$/

function assertKnownKeys(value: object, known: readonly string[], path: string) {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new InvoicePortalOptionError(`${path}${key}`, `is not a known option (known: ${known.join(', ')})`)
    }
  }
}

function assertObject(value: unknown, option: string): asserts value is Record<string, unknown> | undefined {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new InvoicePortalOptionError(option, 'must be an object')
  }
}

/** Fills defaults and rejects wrong options at start-up with a message that names the option. */
export function sanitizeOptions(
  options: InvoicePortalPluginOptions | undefined,
  host: { adminUserSlug: string; existingSlugs: readonly string[] },
): SanitizedOptions {
  const input = options ?? {}
  assertObject(input, '(options)')
  assertKnownKeys(input, KNOWN_OPTIONS, '')

  const currency = input.currency ?? 'EUR'
  if (!isCurrency(currency)) {
    throw new InvoicePortalOptionError('currency', `must be an ISO 4217 currency code such as "EUR", got ${JSON.stringify(currency)}`)
  }
  if (input.disabled !== undefined && typeof input.disabled !== 'boolean') {
    throw new InvoicePortalOptionError('disabled', 'must be true or false')
  }

  assertObject(input.access, 'access')
  if (input.access) assertKnownKeys(input.access, ['isStaff'], 'access.')
  const isStaffOption = input.access?.isStaff
  if (isStaffOption !== undefined && typeof isStaffOption !== 'function') {
    throw new InvoicePortalOptionError('access.isStaff', 'must be a function ({ req }) => boolean')
  }

  assertObject(input.collections, 'collections')
  const slugs = { ...defaultSlugs }
  const overrides: SanitizedOptions['overrides'] = {}
  for (const [key, value] of Object.entries(input.collections ?? {})) {
    if (!(key in defaultSlugs)) {
      throw new InvoicePortalOptionError(`collections.${key}`, `is not a plugin collection (known: ${Object.keys(defaultSlugs).join(', ')})`)
    }
    assertObject(value, `collections.${key}`)
    if (!value) continue
    assertKnownKeys(value, ['override', 'slug'], `collections.${key}.`)
    const collection = key as InvoicePortalCollection
    if (value.slug !== undefined) {
      if (typeof value.slug !== 'string' || !SLUG_PATTERN.test(value.slug)) {
        throw new InvoicePortalOptionError(`collections.${key}.slug`, 'must be lower-case letters, digits and dashes, starting with a letter')
      }
      slugs[collection] = value.slug
    }
    if (value.override !== undefined) {
      if (typeof value.override !== 'function') {
        throw new InvoicePortalOptionError(`collections.${key}.override`, 'must be a function ({ defaultCollection }) => CollectionConfig')
      }
      overrides[collection] = value.override as CollectionOverride
    }
  }
  const slugValues = Object.values(slugs)
  for (const [key, slug] of Object.entries(slugs)) {
    if (slugValues.indexOf(slug) !== slugValues.lastIndexOf(slug)) {
      throw new InvoicePortalOptionError(`collections.${key}.slug`, `"${slug}" is used by two plugin collections`)
    }
    if (host.existingSlugs.includes(slug)) {
      throw new InvoicePortalOptionError(`collections.${key}.slug`, `"${slug}" is already a collection of the host; rename one of them`)
    }
  }

  assertObject(input.numbering, 'numbering')
  if (input.numbering) assertKnownKeys(input.numbering, ['creditNote', 'invoice'], 'numbering.')
  const numbering = {
    creditNote: input.numbering?.creditNote ?? 'CN-{YYYY}-{SEQ:5}',
    invoice: input.numbering?.invoice ?? 'INV-{YYYY}-{SEQ:5}',
  }
  for (const [key, pattern] of Object.entries(numbering)) {
    const problem = validateNumberPattern(pattern)
    if (problem) throw new InvoicePortalOptionError(`numbering.${key}`, problem)
  }

  assertObject(input.documents, 'documents')
  if (input.documents) assertKnownKeys(input.documents, ['pdfWorkers', 'staticDir', 'zipJobThreshold', 'zipMaxInvoices'], 'documents.')
  const positive = (name: 'pdfWorkers' | 'zipJobThreshold' | 'zipMaxInvoices', fallback: number | undefined) => {
    const value = input.documents?.[name] ?? fallback
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new InvoicePortalOptionError(`documents.${name}`, `must be a positive whole number, got ${JSON.stringify(value)}`)
    }
    return value
  }
  const pdf = { workers: positive('pdfWorkers', undefined), zipJobThreshold: positive('zipJobThreshold', 200)!, zipMaxInvoices: positive('zipMaxInvoices', 10_000)! }
  const staticDir = input.documents?.staticDir
  if (staticDir !== undefined && (typeof staticDir !== 'string' || !staticDir)) {
    throw new InvoicePortalOptionError('documents.staticDir', 'must be a non-empty directory path')
  }

  assertObject(input.portal, 'portal')
  if (input.portal) assertKnownKeys(input.portal, ['baseUrl', 'branding', 'magicLinkMinutes', 'reauthAfterMinutes', 'route', 'throttle', 'twoFactorIssuer'], 'portal.')
  const baseUrl = input.portal?.baseUrl
  if (baseUrl !== undefined && (typeof baseUrl !== 'string' || !/^https?:\/\/[^/]+/.test(baseUrl))) {
    throw new InvoicePortalOptionError('portal.baseUrl', `must be an absolute http(s) URL, got ${JSON.stringify(baseUrl)}`)
  }
  const magicLinkMinutes = input.portal?.magicLinkMinutes ?? 15
  if (!Number.isInteger(magicLinkMinutes) || magicLinkMinutes < 1 || magicLinkMinutes > 24 * 60) {
    throw new InvoicePortalOptionError('portal.magicLinkMinutes', `must be a whole number of minutes from 1 to 1440, got ${JSON.stringify(magicLinkMinutes)}`)
  }
  const route = input.portal?.route ?? '/portal'
  if (typeof route !== 'string' || !/^\/[a-z0-9\-_/]*$/i.test(route) || route.endsWith('/') && route !== '/') {
    throw new InvoicePortalOptionError('portal.route', `must be a path such as "/portal", got ${JSON.stringify(route)}`)
  }
  const branding = input.portal?.branding ?? {}
  assertObject(branding, 'portal.branding')
  assertKnownKeys(branding, ['companyDetails', 'legalFooter', 'logo', 'name', 'primaryColor'], 'portal.branding.')
  const primaryColor = branding.primaryColor ?? '#1d4ed8'
  if (!/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(primaryColor)) {
    throw new InvoicePortalOptionError('portal.branding.primaryColor', `must be a hex colour such as "#1d4ed8", got ${JSON.stringify(primaryColor)}`)
  }

  const throttle = sanitizeThrottle(input.portal?.throttle)
  const throttleRedis = sanitizeThrottleRedis(input.portal?.throttle?.redis)
  const reauthAfterMinutes = input.portal?.reauthAfterMinutes ?? 30
  if (!Number.isInteger(reauthAfterMinutes) || reauthAfterMinutes < 1 || reauthAfterMinutes > 24 * 60) {
    throw new InvoicePortalOptionError('portal.reauthAfterMinutes', `must be a whole number of minutes from 1 to 1440, got ${JSON.stringify(reauthAfterMinutes)}`)
  }
  const twoFactorIssuer = input.portal?.twoFactorIssuer
  if (twoFactorIssuer !== undefined && (typeof twoFactorIssuer !== 'string' || !twoFactorIssuer.trim() || twoFactorIssuer.includes(':'))) {
    throw new InvoicePortalOptionError('portal.twoFactorIssuer', `must be a non-empty name without ":", got ${JSON.stringify(twoFactorIssuer)}`)
  }
  const secrets = sanitizeSecrets(input.secrets)
  const payments = sanitizePayments(input)
  const erp = sanitizeErp(input)
  const reminders = sanitizeReminders(input)

  const staffSlug = host.adminUserSlug
  return {
    currency,
    disabled: input.disabled ?? false,
    documentsStaticDir: staticDir,
    erp,
    isStaff: ({ req }) =>
      req.user?.collection === staffSlug && (isStaffOption ? Boolean(isStaffOption({ req })) : true),
    numbering,
    overrides,
    payments,
    pdf,
    portal: { baseUrl: baseUrl?.replace(/\/$/, ''), branding: { ...branding, primaryColor }, magicLinkMinutes, reauthAfterMinutes, route, throttle, throttleRedis, twoFactorIssuer },
    reminders,
    secrets,
    slugs,
    staffSlug,
  }
}

function sanitizeSecrets(input: InvoicePortalPluginOptions['secrets']): SanitizedOptions['secrets'] {
  assertObject(input, 'secrets')
  assertKnownKeys(input ?? {}, ['keys'], 'secrets.')
  const given = input?.keys ?? []
  if (!Array.isArray(given)) throw new InvoicePortalOptionError('secrets.keys', 'must be a list of keys, newest first')
  const keys = given.map((text, index) => {
    const key = parseSecretKey(text)
    if (!key) throw new InvoicePortalOptionError(`secrets.keys[${index}]`, 'must be 32 random bytes as base64 or hex (openssl rand -base64 32)')
    return key
  })
  if (new Set(keys.map((key) => key.id)).size !== keys.length) throw new InvoicePortalOptionError('secrets.keys', 'lists one key twice')
  return { keys }
}

const defaultThrottle: Record<ThrottledAction, ThrottleRule> = {
  login: { perEmail: 10, perIp: 50, windowSeconds: 15 * 60 },
  magicLink: { perEmail: 10, perIp: 30, windowSeconds: 60 * 60 },
  passwordReset: { perEmail: 10, perIp: 30, windowSeconds: 60 * 60 },
}

function sanitizeThrottleRedis(input: unknown): SanitizedOptions['portal']['throttleRedis'] {
  if (input === undefined) return undefined
  assertObject(input, 'portal.throttle.redis')
  assertKnownKeys(input!, ['keyPrefix', 'url'], 'portal.throttle.redis.')
  const { keyPrefix = 'invoice-portal:throttle:', url } = input as { keyPrefix?: unknown; url?: unknown }
  if (typeof url !== 'string' || !/^rediss?:\/\/[^\s]+$/.test(url)) throw new InvoicePortalOptionError('portal.throttle.redis.url', `must be a redis:// or rediss:// URL, got ${JSON.stringify(url)}`)
  if (typeof keyPrefix !== 'string') throw new InvoicePortalOptionError('portal.throttle.redis.keyPrefix', 'must be a string')
  return { keyPrefix, url }
}

function sanitizeThrottle(input: unknown): Record<ThrottledAction, ThrottleRule> {
  assertObject(input, 'portal.throttle')
  const { redis: _redis, ...given } = (input ?? {}) as Partial<Record<ThrottledAction, Partial<ThrottleRule>>> & { redis?: unknown }
  assertKnownKeys(given, [...Object.keys(defaultThrottle), 'redis'], 'portal.throttle.')
  const rules = {} as Record<ThrottledAction, ThrottleRule>
  for (const action of Object.keys(defaultThrottle) as ThrottledAction[]) {
    assertObject(given[action], `portal.throttle.${action}`)
    assertKnownKeys(given[action] ?? {}, ['perEmail', 'perIp', 'windowSeconds'], `portal.throttle.${action}.`)
    const rule = { ...defaultThrottle[action], ...given[action] }
    for (const [name, value] of Object.entries(rule)) {
      if (!Number.isInteger(value) || value < 1) throw new InvoicePortalOptionError(`portal.throttle.${action}.${name}`, `must be a positive whole number, got ${JSON.stringify(value)}`)
    }
    rules[action] = rule
  }
  return rules
}

function sanitizeErp(input: InvoicePortalPluginOptions): SanitizedOptions['erp'] {
  const erp = input.erp ?? {}
  assertObject(erp, 'erp')
  assertKnownKeys(erp, ['outbound', 'outboundRetry', 'overdueCron', 'webhookSecret'], 'erp.')
  const secret = erp.webhookSecret ?? []
  const secrets = Array.isArray(secret) ? secret : [secret]
  for (const value of secrets) {
    const problem = providerSecretProblem('erpWebhookSecret', value)
    if (problem) throw new InvoicePortalOptionError('erp.webhookSecret', `${problem}, or a list of them while one is rotated; leave it out to use the one staff enter in the settings`)
  }
  if (erp.outbound !== undefined && !Array.isArray(erp.outbound)) throw new InvoicePortalOptionError('erp.outbound', 'must be a list of { url, secret, events? }')
  const outbound = (erp.outbound ?? []).map((endpoint, index) => {
    const at = `erp.outbound[${index}]`
    assertObject(endpoint, at)
    assertKnownKeys(endpoint, ['events', 'secret', 'url'], `${at}.`)
    if (typeof endpoint.url !== 'string' || !/^https?:\/\/[^\s]+$/.test(endpoint.url) || !URL.canParse(endpoint.url)) {
      throw new InvoicePortalOptionError(`${at}.url`, `must be an absolute http(s) URL, got ${JSON.stringify(endpoint.url)}`)
    }
    if (typeof endpoint.secret !== 'string' || endpoint.secret.length < 16) throw new InvoicePortalOptionError(`${at}.secret`, 'must be a secret of at least 16 characters')
    const events = endpoint.events ?? [...outboundEventTypes]
    const unknown = Array.isArray(events) ? events.filter((type) => !outboundEventTypes.includes(type)) : ['(not a list)']
    if (unknown.length > 0) throw new InvoicePortalOptionError(`${at}.events`, `must list event types among ${outboundEventTypes.join(', ')}; got ${JSON.stringify(unknown)}`)
    return { events, secret: endpoint.secret, url: endpoint.url }
  })
  const retry = erp.outboundRetry ?? {}
  assertObject(retry, 'erp.outboundRetry')
  assertKnownKeys(retry, ['attempts', 'delaySeconds'], 'erp.outboundRetry.')
  const outboundRetry = { attempts: retry.attempts ?? 8, delaySeconds: retry.delaySeconds ?? 30 }
  if (!Number.isInteger(outboundRetry.attempts) || outboundRetry.attempts < 0 || outboundRetry.attempts > 30) {
    throw new InvoicePortalOptionError('erp.outboundRetry.attempts', `must be a whole number from 0 to 30, got ${JSON.stringify(retry.attempts)}`)
  }
  if (typeof outboundRetry.delaySeconds !== 'number' || !(outboundRetry.delaySeconds > 0)) {
    throw new InvoicePortalOptionError('erp.outboundRetry.delaySeconds', `must be a positive number of seconds, got ${JSON.stringify(retry.delaySeconds)}`)
  }
  const overdueCron = erp.overdueCron ?? '0 * * * *'
  if (overdueCron !== false && (typeof overdueCron !== 'string' || !isCronExpression(overdueCron))) {
    throw new InvoicePortalOptionError('erp.overdueCron', `must be a cron expression such as "0 * * * *" or false, got ${JSON.stringify(overdueCron)}`)
  }
  return { outbound, outboundRetry, overdueCron, secrets }
}

export const defaultReminderSteps: ReminderStep[] = [{ days: -3 }, { days: 1 }, { days: 7 }, { days: 14 }]

/**
 * What is wrong with a reminder sequence, or null: shared by the option, the settings global and a
 * client's own sequence, so each refuses the same mistakes with the same words.
 */
export function reminderStepsProblem(steps: unknown): null | string {
  if (!Array.isArray(steps)) return 'must be a list of steps such as [{ days: -3 }, { days: 7 }]'
  const seen = new Set<number>()
  for (const [index, step] of steps.entries()) {
    const days = (step as Partial<ReminderStep> | null)?.days
    if (typeof days !== 'number' || !Number.isInteger(days) || days < -365 || days > 365) return `step ${index + 1}: days must be a whole number from -365 to 365`
    if (seen.has(days)) return `step ${index + 1}: another step is already ${days} days from the due date`
    seen.add(days)
    const { copyTo } = step as ReminderStep
    if (copyTo !== undefined && copyTo !== null && copyTo !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(copyTo)) return `step ${index + 1}: copyTo must be an e-mail address`
  }
  return null
}

function sanitizeReminders(input: InvoicePortalPluginOptions): SanitizedOptions['reminders'] {
  const reminders = input.reminders ?? {}
  assertObject(reminders, 'reminders')
  assertKnownKeys(reminders, ['cron', 'minimumGapDays', 'sendHour', 'steps'], 'reminders.')
  const cron = reminders.cron ?? '0 * * * *'
  if (cron !== false && (typeof cron !== 'string' || !isCronExpression(cron))) {
    throw new InvoicePortalOptionError('reminders.cron', `must be a cron expression such as "0 * * * *" or false, got ${JSON.stringify(cron)}`)
  }
  const sendHour = reminders.sendHour ?? 9
  if (!Number.isInteger(sendHour) || sendHour < 0 || sendHour > 23) throw new InvoicePortalOptionError('reminders.sendHour', `must be a whole hour from 0 to 23, got ${JSON.stringify(reminders.sendHour)}`)
  const minimumGapDays = reminders.minimumGapDays ?? 2
  if (!Number.isInteger(minimumGapDays) || minimumGapDays < 0 || minimumGapDays > 60) {
    throw new InvoicePortalOptionError('reminders.minimumGapDays', `must be a whole number of days from 0 to 60, got ${JSON.stringify(reminders.minimumGapDays)}`)
  }
  const steps = reminders.steps ?? defaultReminderSteps
  const problem = reminderStepsProblem(steps)
  if (problem) throw new InvoicePortalOptionError('reminders.steps', problem)
  for (const [index, step] of steps.entries()) assertKnownKeys(step, ['attachPdf', 'body', 'copyTo', 'days', 'overdueEvent', 'subject'], `reminders.steps[${index}].`)
  return { cron, minimumGapDays, sendHour, steps }
}

function sanitizePayments(input: InvoicePortalPluginOptions): SanitizedOptions['payments'] {
  const providers = input.payments ?? []
  if (!Array.isArray(providers)) {
    throw new InvoicePortalOptionError('payments', 'must be a list of providers, e.g. [stripeProvider({ ... })]')
  }
  const names = new Set<string>()
  for (const [index, provider] of providers.entries()) {
    const valid = typeof provider === 'object' && provider !== null && PROVIDER_METHODS.every((method) => typeof provider[method] === 'function')
    if (!valid || !['mollie', 'stripe'].includes(provider.name)) {
      throw new InvoicePortalOptionError(`payments[${index}]`, 'must be a provider from payload-invoice-portal/payments/stripe or /payments/mollie')
    }
    if (names.has(provider.name)) throw new InvoicePortalOptionError(`payments[${index}]`, `repeats the "${provider.name}" provider`)
    names.add(provider.name)
  }
  const reconciliation = input.paymentReconciliation ?? {}
  assertObject(reconciliation, 'paymentReconciliation')
  assertKnownKeys(reconciliation, ['cron', 'staleAfterMinutes'], 'paymentReconciliation.')
  const staleAfterMinutes = reconciliation.staleAfterMinutes ?? 60
  if (!Number.isInteger(staleAfterMinutes) || staleAfterMinutes < 1) {
    throw new InvoicePortalOptionError('paymentReconciliation.staleAfterMinutes', `must be a positive whole number of minutes, got ${JSON.stringify(staleAfterMinutes)}`)
  }
  const reconcileCron = reconciliation.cron ?? '*/15 * * * *'
  if (reconcileCron !== false && (typeof reconcileCron !== 'string' || !isCronExpression(reconcileCron))) {
    throw new InvoicePortalOptionError('paymentReconciliation.cron', `must be a cron expression such as "*/15 * * * *" or false, got ${JSON.stringify(reconcileCron)}`)
  }
  return { providers, reconcileCron, staleAfterMinutes }
}

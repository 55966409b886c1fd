import { describe, expect, it } from 'vitest'

import { randomBytes } from 'node:crypto'

import { InvoicePortalOptionError, sanitizeOptions } from './options.js'

const host = { adminUserSlug: 'users', existingSlugs: ['users', 'posts'] }
const key = randomBytes(32)
const otherKey = randomBytes(32).toString('hex')
const provider = (name: string) => ({ fetchState: () => null, label: name, name, paymentOf: () => null, startCheckout: () => null, verifyWebhook: () => null })

describe('sanitizeOptions', () => {
  it('fills every default', () => {
    const options = sanitizeOptions(undefined, host)
    expect(options).toMatchObject({
      currency: 'EUR',
      disabled: false,
      numbering: { creditNote: 'CN-{YYYY}-{SEQ:5}', invoice: 'INV-{YYYY}-{SEQ:5}' },
      portal: { branding: { primaryColor: '#1d4ed8' }, route: '/portal' },
      slugs: { clients: 'clients', creditNotes: 'credit-notes', invoices: 'invoices', portalEvents: 'portal-events' },
      staffSlug: 'users',
    })
    expect(options.payments).toEqual({ providers: [], reconcileCron: '*/15 * * * *', staleAfterMinutes: 60 })
    expect(options.erp).toEqual({ outbound: [], outboundRetry: { attempts: 8, delaySeconds: 30 }, overdueCron: '0 * * * *', secrets: [] })
    expect(options.reminders).toEqual({ cron: '0 * * * *', minimumGapDays: 2, sendHour: 9, steps: [{ days: -3 }, { days: 1 }, { days: 7 }, { days: 14 }] })
    expect(options.portal.throttle).toEqual({
      login: { perEmail: 10, perIp: 50, windowSeconds: 900 },
      magicLink: { perEmail: 10, perIp: 30, windowSeconds: 3600 },
      passwordReset: { perEmail: 10, perIp: 30, windowSeconds: 3600 },
    })
  })

  it('takes throttle limits per action, each over its defaults', () => {
    const { throttle } = sanitizeOptions({ portal: { throttle: { login: { perIp: 200 }, passwordReset: { perEmail: 2, windowSeconds: 600 } } } }, host).portal
    expect(throttle.login).toEqual({ perEmail: 10, perIp: 200, windowSeconds: 900 })
    expect(throttle.passwordReset).toEqual({ perEmail: 2, perIp: 30, windowSeconds: 600 })
    expect(sanitizeOptions(undefined, host).portal.throttleRedis).toBeUndefined()
    expect(sanitizeOptions({ portal: { throttle: { redis: { url: 'redis://127.0.0.1:6379/1' } } } }, host).portal.throttleRedis).toEqual({ keyPrefix: 'invoice-portal:throttle:', url: 'redis://127.0.0.1:6379/1' })
  })

  it('takes one ERP secret or several while one is rotated', () => {
    expect(sanitizeOptions({ erp: { webhookSecret: 'a-long-enough-secret' } }, host).erp.secrets).toEqual(['a-long-enough-secret'])
    expect(sanitizeOptions({ erp: { webhookSecret: ['old-long-enough-secret', 'new-long-enough-secret'] } }, host).erp.secrets).toHaveLength(2)
  })

  it('takes keys for secrets at rest, newest first, in base64 or hex; none by default', () => {
    expect(sanitizeOptions(undefined, host).secrets).toEqual({ keys: [] })
    const { keys } = sanitizeOptions({ secrets: { keys: [key.toString('base64'), otherKey] } }, host).secrets
    expect(keys.map((entry) => entry.key)).toEqual([key, Buffer.from(otherKey, 'hex')])
    expect(keys[0].id).toMatch(/^[0-9a-f]{12}$/)
    expect(keys[0].id).not.toBe(keys[1].id)
  })

  it('keeps the payment providers in order, and reconciliation may be left to the host', () => {
    const options = sanitizeOptions({ paymentReconciliation: { cron: false, staleAfterMinutes: 5 }, payments: [provider('mollie'), provider('stripe')] as never }, host)
    expect(options.payments.providers.map((entry) => entry.name)).toEqual(['mollie', 'stripe'])
    expect(options.payments).toMatchObject({ reconcileCron: false, staleAfterMinutes: 5 })
  })

  it('staff are the admin users, narrowed by access.isStaff', () => {
    const req = (collection: string, role?: string) => ({ req: { user: { collection, id: 1, role } } }) as never
    const all = sanitizeOptions({}, host)
    expect(all.isStaff(req('users'))).toBe(true)
    expect(all.isStaff(req('contacts'))).toBe(false)
    const narrowed = sanitizeOptions({ access: { isStaff: ({ req }) => (req.user as { role?: string }).role === 'billing' } }, host)
    expect(narrowed.isStaff(req('users', 'billing'))).toBe(true)
    expect(narrowed.isStaff(req('users', 'editor'))).toBe(false)
  })

  const bad: Array<[string, unknown, RegExp]> = [
    ['unknown top-level option', { curency: 'EUR' }, /option "curency" is not a known option/],
    ['unknown currency', { currency: 'EURO' }, /option "currency" must be an ISO 4217 currency code/],
    ['non-boolean disabled', { disabled: 'yes' }, /option "disabled" must be true or false/],
    ['unknown collection', { collections: { bills: { slug: 'x' } } }, /option "collections\.bills" is not a plugin collection/],
    ['bad slug', { collections: { invoices: { slug: 'Invoices!' } } }, /option "collections\.invoices\.slug" must be lower-case/],
    ['slug taken by the host', { collections: { invoices: { slug: 'posts' } } }, /"collections\.invoices\.slug" "posts" is already a collection of the host/],
    ['two plugin collections on one slug', { collections: { invoices: { slug: 'bills' }, payments: { slug: 'bills' } } }, /"bills" is used by two plugin collections/],
    ['override that is not a function', { collections: { invoices: { override: {} } } }, /"collections\.invoices\.override" must be a function/],
    ['unknown collection option', { collections: { invoices: { slugg: 'x' } } }, /"collections\.invoices\.slugg" is not a known option/],
    ['pattern without counter', { numbering: { invoice: 'INV-{YYYY}' } }, /"numbering\.invoice" must contain \{SEQ\}/],
    ['pattern with unknown token', { numbering: { creditNote: 'CN-{DD}-{SEQ}' } }, /"numbering\.creditNote" has an unknown token/],
    ['portal route without slash', { portal: { route: 'portal' } }, /"portal\.route" must be a path/],
    ['bad colour', { portal: { branding: { primaryColor: 'blue' } } }, /"portal\.branding\.primaryColor" must be a hex colour/],
    ['an unknown throttled action', { portal: { throttle: { signup: { perIp: 1 } } } }, /"portal\.throttle\.signup" is not a known option/],
    ['a zero throttle limit', { portal: { throttle: { login: { perEmail: 0 } } } }, /"portal\.throttle\.login\.perEmail" must be a positive whole number/],
    ['an unknown throttle setting', { portal: { throttle: { magicLink: { perHour: 3 } } } }, /"portal\.throttle\.magicLink\.perHour" is not a known option/],
    ['a throttle Redis that is not a URL', { portal: { throttle: { redis: { url: 'localhost:6379' } } } }, /"portal\.throttle\.redis\.url" must be a redis:\/\/ or rediss:\/\/ URL/],
    ['an unknown throttle Redis setting', { portal: { throttle: { redis: { db: 2, url: 'redis://127.0.0.1:6379' } } } }, /"portal\.throttle\.redis\.db" is not a known option/],
    ['a re-authentication age of 0', { portal: { reauthAfterMinutes: 0 } }, /"portal\.reauthAfterMinutes" must be a whole number of minutes from 1 to 1440/],
    ['an authenticator issuer with a colon', { portal: { twoFactorIssuer: 'Acme: Billing' } }, /"portal\.twoFactorIssuer" must be a non-empty name without ":"/],
    ['isStaff not a function', { access: { isStaff: true } }, /"access\.isStaff" must be a function/],
    ['documents.staticDir empty', { documents: { staticDir: '' } }, /"documents\.staticDir" must be a non-empty/],
    ['payments not a list', { payments: { name: 'stripe' } }, /option "payments" must be a list of providers/],
    ['a provider that is not one', { payments: [{ name: 'paypal' }] }, /option "payments\[0\]" must be a provider from payload-invoice-portal/],
    ['one provider twice', { payments: [provider('stripe'), provider('stripe')] }, /option "payments\[1\]" repeats the "stripe" provider/],
    ['a bad reconciliation cron', { paymentReconciliation: { cron: 'every hour' } }, /"paymentReconciliation\.cron" must be a cron expression/],
    ['a short ERP secret', { erp: { webhookSecret: 'short' } }, /"erp\.webhookSecret" must be a secret of at least 16 characters/],
    ['an outbound URL that is not one', { erp: { outbound: [{ secret: 'a-long-enough-secret', url: 'erp.test/hook' }] } }, /"erp\.outbound\[0\]\.url" must be an absolute http\(s\) URL/],
    ['an unknown outbound event', { erp: { outbound: [{ events: ['invoice.created'], secret: 'a-long-enough-secret', url: 'https://erp.test/hook' }] } }, /"erp\.outbound\[0\]\.events" must list event types/],
    ['a bad overdue cron', { erp: { overdueCron: 'hourly' } }, /"erp\.overdueCron" must be a cron expression/],
    ['a zero retry delay', { erp: { outboundRetry: { delaySeconds: 0 } } }, /"erp\.outboundRetry\.delaySeconds" must be a positive number/],
    ['an unknown ERP option', { erp: { secret: 'a-long-enough-secret' } }, /"erp\.secret" is not a known option/],
    ['a zero stale time', { paymentReconciliation: { staleAfterMinutes: 0 } }, /"paymentReconciliation\.staleAfterMinutes" must be a positive whole number/],
    ['a bad reminder cron', { reminders: { cron: 'daily' } }, /"reminders\.cron" must be a cron expression/],
    ['a sending hour of 24', { reminders: { sendHour: 24 } }, /"reminders\.sendHour" must be a whole hour from 0 to 23/],
    ['two reminder steps on one day', { reminders: { steps: [{ days: 7 }, { days: 7 }] } }, /"reminders\.steps" step 2: another step is already 7 days from the due date/],
    ['a fractional reminder day', { reminders: { steps: [{ days: 1.5 }] } }, /"reminders\.steps" step 1: days must be a whole number/],
    ['an escalation address that is not one', { reminders: { steps: [{ copyTo: 'collector', days: 30 }] } }, /"reminders\.steps" step 1: copyTo must be an e-mail address/],
    ['a secrets key that is not 32 bytes', { secrets: { keys: [otherKey, 'too-short-to-be-a-key'] } }, /option "secrets\.keys\[1\]" must be 32 random bytes as base64 or hex/],
    ['a secrets key of 31 bytes', { secrets: { keys: [randomBytes(31).toString('hex')] } }, /option "secrets\.keys\[0\]" must be 32 random bytes/],
    ['one secrets key twice', { secrets: { keys: [otherKey, key.toString('base64'), otherKey] } }, /option "secrets\.keys" lists one key twice/],
    ['one secrets key twice, once as base64 and once as hex', { secrets: { keys: [key.toString('base64'), key.toString('hex')] } }, /option "secrets\.keys" lists one key twice/],
    ['secrets keys not a list', { secrets: { keys: otherKey } }, /option "secrets\.keys" must be a list of keys/],
    ['an unknown secrets option', { secrets: { key: [otherKey] } }, /option "secrets\.key" is not a known option/],
    ['an unknown step option', { reminders: { steps: [{ day: 3, days: 3 }] } }, /"reminders\.steps\[0\]\.day" is not a known option/],
  ]
  for (const [name, options, message] of bad) {
    it(`rejects ${name} with a message naming the option`, () => {
      expect(() => sanitizeOptions(options as never, host)).toThrow(InvoicePortalOptionError)
      expect(() => sanitizeOptions(options as never, host)).toThrow(message)
    })
  }
})

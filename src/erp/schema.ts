import { paymentMethods } from '../collections/payments.js'
import { isCurrency } from '../money/currencies.js'
import { parseDecimal } from '../money/decimal.js'
import { isTimezone } from '../utilities/intl.js'

/**
 * The shape of every ERP event (README, "ERP integration"), checked before anything is stored: a bad
 * push is answered 400 with every bad field named by its path, and nothing is written.
 */
export const erpEventTypes = [
  'client.upserted',
  'contact.upserted',
  'invoice.upserted',
  'invoice.voided',
  'credit_note.upserted',
  'payment.recorded',
] as const
export type ErpEventType = (typeof erpEventTypes)[number]

type Json = Record<string, unknown>
type Problems = string[]
/** Checks `value` at `path`, adds what is wrong to `problems`, and returns the value as it will be used. */
type Rule = (value: unknown, path: string, problems: Problems) => unknown
type Optional = Rule & { optional: true }

const optional = (rule: Rule): Optional => Object.assign((value: unknown, path: string, problems: Problems) => rule(value, path, problems), { optional: true as const })
const isOptional = (rule: Rule): rule is Optional => (rule as Partial<Optional>).optional === true

const text =
  (max: number, pattern?: { test: (value: string) => boolean; what: string }): Rule =>
  (value, path, problems) => {
    if (typeof value !== 'string' || value.trim() === '') return problems.push(`${path} must be a non-empty string`), value
    if (value.length > max) return problems.push(`${path} must be at most ${max} characters`), value
    if (pattern && !pattern.test(value)) problems.push(`${path} ${pattern.what}`)
    return value.trim()
  }
const integer =
  (min: number, what = 'an integer'): Rule =>
  (value, path, problems) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return problems.push(`${path} must be ${what}`), value
    if (value < min) problems.push(`${path} must be at least ${min}`)
    return value
  }
const oneOf =
  (values: readonly string[]): Rule =>
  (value, path, problems) => {
    if (typeof value !== 'string' || !values.includes(value)) problems.push(`${path} must be one of ${values.map((v) => `"${v}"`).join(', ')}`)
    return value
  }
const boolean: Rule = (value, path, problems) => {
  if (typeof value !== 'boolean') problems.push(`${path} must be true or false`)
  return value
}
const decimal =
  (min: number): Rule =>
  (value, path, problems) => {
    const parsed = parseDecimal(value)
    if (!parsed || (typeof value === 'string' && value.trim() === '')) return problems.push(`${path} must be a decimal number, e.g. "1.5"`), value
    if (Number(value) < min) problems.push(`${path} must be at least ${min}`)
    return String(value).trim()
  }
const calendarDate: Rule = (value, path, problems) => {
  const valid = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T12:00:00Z`).toISOString().slice(0, 10) === value
  if (!valid) problems.push(`${path} must be a calendar date YYYY-MM-DD`)
  return value
}
const instant: Rule = (value, path, problems) => {
  const valid = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/.test(value) && !Number.isNaN(Date.parse(value))
  if (!valid) problems.push(`${path} must be an ISO 8601 date-time, e.g. "2026-11-21T09:30:00Z"`)
  return value
}
const emailText = text(320, { test: (value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value), what: 'must be an e-mail address' })
/** Lower-cased, as contacts' sign-in addresses are stored. */
const email: Rule = (value, path, problems) => {
  const checked = emailText(value, path, problems)
  return typeof checked === 'string' ? checked.toLowerCase() : checked
}
const currency = text(3, { test: isCurrency, what: 'must be an ISO 4217 currency code, e.g. "EUR"' })
const timezone = text(100, { test: isTimezone, what: 'must be an IANA timezone, e.g. "Europe/Amsterdam"' })
const externalId = text(200)
const version = integer(0, 'an integer version that grows with every change in the ERP')

const object =
  (fields: Record<string, Rule>): Rule =>
  (value, path, problems) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return problems.push(`${path} must be an object`), value
    const input = value as Json
    const output: Json = {}
    for (const [name, rule] of Object.entries(fields)) {
      const at = `${path}.${name}`
      if (input[name] === undefined || input[name] === null) {
        if (!isOptional(rule)) problems.push(`${at} is required`)
        continue
      }
      output[name] = rule(input[name], at, problems)
    }
    for (const name of Object.keys(input)) if (!(name in fields)) problems.push(`${path}.${name} is not a known field`)
    return output
  }
const list =
  (item: Rule, min: number, max: number): Rule =>
  (value, path, problems) => {
    if (!Array.isArray(value)) return problems.push(`${path} must be an array`), value
    if (value.length < min || value.length > max) problems.push(`${path} must hold ${min} to ${max} items`)
    return value.slice(0, max).map((entry, index) => item(entry, `${path}[${index}]`, problems))
  }

/** A client named by its ERP id; the details create it when the portal doesn't have it yet. */
const clientReference = object({
  currency: optional(currency),
  email: optional(email),
  externalId,
  locale: optional(oneOf(['en', 'nl'])),
  name: optional(text(200)),
  timezone: optional(timezone),
})
const reference = object({ externalId })
const lineItems = list(object({ description: text(1000), quantity: decimal(0), taxRate: decimal(0), unitAmount: integer(-1e15, 'an integer amount in minor units') }), 1, 500)
const address = object({
  city: optional(text(200)),
  country: optional(text(2, { test: (value) => /^[A-Z]{2}$/.test(value), what: 'must be an ISO 3166-1 alpha-2 code, e.g. "NL"' })),
  line1: optional(text(200)),
  line2: optional(text(200)),
  postalCode: optional(text(20)),
  region: optional(text(200)),
})

const dataRules: Record<ErpEventType, Rule> = {
  'client.upserted': object({
    address: optional(address),
    currency: optional(currency),
    email: optional(email),
    externalId,
    locale: optional(oneOf(['en', 'nl'])),
    name: text(200),
    portalEnabled: optional(boolean),
    taxId: optional(text(50)),
    timezone: optional(timezone),
    version,
  }),
  'contact.upserted': object({
    client: clientReference,
    email,
    externalId,
    name: text(200),
    notifications: optional(object({ invoiceIssued: optional(boolean), paymentReceived: optional(boolean), reminders: optional(boolean) })),
    role: optional(oneOf(['billing', 'viewer'])),
    version,
  }),
  'credit_note.upserted': object({
    amount: optional(integer(1, 'an integer amount in minor units')),
    externalId,
    invoice: reference,
    lineItems: optional(lineItems),
    number: optional(text(100)),
    reason: optional(text(2000)),
    status: oneOf(['draft', 'issued', 'void']),
    version,
  }),
  'invoice.upserted': object({
    client: clientReference,
    currency,
    dueDate: calendarDate,
    externalId,
    issueDate: calendarDate,
    lineItems,
    notes: optional(text(5000)),
    number: optional(text(100)),
    paymentTerms: optional(text(200)),
    status: oneOf(['draft', 'open', 'paid', 'void']),
    version,
  }),
  'invoice.voided': object({ externalId, reason: optional(text(2000)), version }),
  'payment.recorded': object({
    allocations: list(object({ amount: integer(1, 'an integer amount in minor units'), invoice: reference }), 1, 500),
    amount: integer(1, 'an integer amount in minor units'),
    currency,
    externalId,
    method: optional(oneOf(paymentMethods)),
    paidAt: instant,
    version,
  }),
}

export type ErpEvent = { data: Json; id: string; occurredAt: string; type: ErpEventType }

/** The event as it will be applied, or every problem with it. */
export function parseErpEvent(body: unknown): { event: ErpEvent; ok: true } | { ok: false; problems: string[] } {
  const problems: Problems = []
  const envelope = object({ data: (value) => value, id: text(200), occurredAt: instant, type: oneOf(erpEventTypes) })(body, 'body', problems) as Json
  if (problems.length === 0) {
    const data = dataRules[envelope.type as ErpEventType](envelope.data, 'data', problems) as Json
    if (envelope.type === 'credit_note.upserted' && data.amount === undefined && data.lineItems === undefined) {
      problems.push('data.amount or data.lineItems is required')
    }
    if (envelope.type === 'payment.recorded' && Array.isArray(data.allocations)) {
      const allocated = (data.allocations as Array<{ amount: unknown }>).reduce((sum, { amount }) => sum + (typeof amount === 'number' ? amount : 0), 0)
      if (allocated > (data.amount as number)) problems.push(`data.allocations add up to ${allocated}, more than data.amount (${String(data.amount)})`)
    }
    if (problems.length === 0) return { event: { ...(envelope as Omit<ErpEvent, 'data'>), data }, ok: true }
  }
  // A push of 500 bad lines names the first hundred problems, not thousands.
  return { ok: false, problems: problems.length > 100 ? [...problems.slice(0, 100), `… and ${problems.length - 100} more`] : problems }
}

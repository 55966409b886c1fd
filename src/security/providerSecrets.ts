/**
 * The provider keys and webhook secrets staff may keep in the settings global instead of in the code,
 * and what a well-formed one looks like: one rule for an adapter's option and the settings' field.
 * Dependency-free, so each payment adapter can use it without loading anything but its own SDK.
 */
export const providerSecrets = {
  stripeSecretKey: {
    label: 'Stripe secret key',
    problem: (value: string) => (/^(sk|rk)_\S+$/.test(value) ? null : 'must be a Stripe secret key (sk_…) or restricted key (rk_…)'),
  },
  stripeWebhookSecret: {
    label: 'Stripe webhook signing secret',
    problem: (value: string) => (/^whsec_\S+$/.test(value) ? null : 'must be a Stripe webhook signing secret (whsec_…)'),
  },
  mollieApiKey: {
    label: 'Mollie API key',
    problem: (value: string) => (/^(live|test)_\w{30,}$/.test(value) ? null : 'must be a Mollie API key: live_ or test_ followed by at least 30 letters and digits'),
  },
  erpWebhookSecret: {
    label: 'ERP webhook secret',
    problem: (value: string) => (value.length >= 16 ? null : 'must be a secret of at least 16 characters'),
  },
} as const

export type ProviderSecretName = keyof typeof providerSecrets

export const providerSecretNames = Object.keys(providerSecrets) as ProviderSecretName[]

/** Far longer than any provider's key: a pasted document is refused rather than sealed and stored. */
const MAX_LENGTH = 512

/** What is wrong with a value for this secret, or null when it is well-formed. */
export function providerSecretProblem(name: ProviderSecretName, value: unknown): null | string {
  if (typeof value !== 'string') return 'must be text'
  if (value.length > MAX_LENGTH) return `must be at most ${MAX_LENGTH} characters`
  return providerSecrets[name].problem(value)
}

/**
 * Provider keys and webhook secrets staff keep in the settings (sealed at rest), opened when asked
 * for: what an adapter uses for a key its options leave out. `get` resolves undefined when none is
 * stored, and throws `SecretUnreadable` when the configured keys do not open the stored one.
 */
export type StoredSecrets = { get(name: ProviderSecretName): Promise<string | undefined> }

/** A secret in neither the options nor the settings: a webhook is refused (4xx), a checkout fails. */
export class SecretNotConfigured extends Error {
  constructor(name: ProviderSecretName, option: string) {
    super(`payload-invoice-portal: no ${providerSecrets[name].label} is configured; enter one in the settings (Provider keys and webhook secrets) or set ${option}`)
    this.name = 'SecretNotConfigured'
  }
}

/** Errors that mean "not configured usably" rather than a fault; by name, as a class may be loaded twice (Next bundles). */
export const isSecretConfigurationError = (error: unknown) => ['SecretNotConfigured', 'SecretUnreadable'].includes((error as Error | null)?.name ?? '')

/** The values given in the code win; otherwise the one stored in the settings; otherwise SecretNotConfigured. */
export async function configuredSecrets(given: readonly string[], stored: StoredSecrets, name: ProviderSecretName, option: string): Promise<string[]> {
  if (given.length > 0) return [...given]
  const value = await stored.get(name)
  if (!value) throw new SecretNotConfigured(name, option)
  return [value]
}

/**
 * Checks an adapter's option at start-up: absent is fine (the settings' value is used then), anything
 * given must be well-formed. `option` names it as the host writes it, e.g. `stripeProvider({ secretKey })`.
 * Returns the given values as a list.
 */
export function secretOption(given: unknown, name: ProviderSecretName, option: string, { list = false } = {}): string[] {
  if (given === undefined) return []
  const values: unknown[] = list && Array.isArray(given) ? given : [given]
  const problem = values.length === 0 ? 'is an empty list' : values.map((value) => providerSecretProblem(name, value)).find(Boolean)
  if (problem) {
    throw new Error(`payload-invoice-portal: option ${option} ${problem}${list ? ' (or a list of them while one is rotated)' : ''}; leave it out to use the one staff enter in the settings`)
  }
  return values as string[]
}

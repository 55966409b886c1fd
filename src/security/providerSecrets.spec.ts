import { describe, expect, it } from 'vitest'

import { mollieProvider } from '../payments/mollie.js'
import { stripeProvider } from '../payments/stripe.js'
import { configuredSecrets, providerSecretProblem, type StoredSecrets } from './providerSecrets.js'

const storedNothing: StoredSecrets = { get: async () => undefined }
const storing = (value: string): StoredSecrets => ({ get: async () => value })

describe('provider secrets', () => {
  it.each([
    ['stripeSecretKey', 'sk_test_51Habc', 'pk_test_51Habc'],
    ['stripeSecretKey', 'rk_live_abc', 'sk_test with space'],
    ['stripeWebhookSecret', 'whsec_abc123', 'wh_abc123'],
    ['mollieApiKey', `test_${'a'.repeat(30)}`, `test_${'a'.repeat(29)}`],
    ['mollieApiKey', `live_${'B9'.repeat(15)}`, `prod_${'a'.repeat(30)}`],
    ['erpWebhookSecret', 'sixteen-chars-ok', 'fifteen-chars!!'],
  ] as const)('%s: %s is well-formed, %s is not', (name, good, bad) => {
    expect(providerSecretProblem(name, good)).toBeNull()
    expect(providerSecretProblem(name, bad)).toMatch(/^must be/)
  })

  it('refuses what is not text, and a pasted document', () => {
    expect(providerSecretProblem('erpWebhookSecret', 12345678901234567)).toBe('must be text')
    expect(providerSecretProblem('erpWebhookSecret', 'x'.repeat(513))).toBe('must be at most 512 characters')
  })

  it('values given in the code win over the stored one; without either, SecretNotConfigured names both places', async () => {
    expect(await configuredSecrets(['given-in-code-000'], storing('stored-in-settings'), 'erpWebhookSecret', 'erp.webhookSecret')).toEqual(['given-in-code-000'])
    expect(await configuredSecrets([], storing('stored-in-settings'), 'erpWebhookSecret', 'erp.webhookSecret')).toEqual(['stored-in-settings'])
    const missing = configuredSecrets([], storedNothing, 'erpWebhookSecret', 'erp.webhookSecret')
    await expect(missing).rejects.toThrow(/no ERP webhook secret is configured; enter one in the settings .* or set erp\.webhookSecret/)
    await expect(missing).rejects.toMatchObject({ name: 'SecretNotConfigured' })
  })
})

describe('adapter options', () => {
  it('keys may be left out: they are read from the settings when needed', () => {
    expect(stripeProvider().name).toBe('stripe')
    expect(stripeProvider({ apiUrl: 'http://127.0.0.1:12111', webhookSecret: ['whsec_old', 'whsec_new'] }).name).toBe('stripe')
    expect(mollieProvider().name).toBe('mollie')
  })

  it.each([
    [() => stripeProvider({ secretKey: 'pk_test_publishable' }), /option stripeProvider\(\{ secretKey \}\) must be a Stripe secret key \(sk_…\)/],
    [() => stripeProvider({ secretKey: '' }), /option stripeProvider\(\{ secretKey \}\) must be a Stripe secret key/],
    [() => stripeProvider({ webhookSecret: 'not-a-signing-secret' }), /option stripeProvider\(\{ webhookSecret \}\) must be a Stripe webhook signing secret \(whsec_…\)/],
    [() => stripeProvider({ webhookSecret: ['whsec_ok', 'bad'] }), /option stripeProvider\(\{ webhookSecret \}\) must be a Stripe webhook signing secret/],
    [() => stripeProvider({ webhookSecret: [] }), /option stripeProvider\(\{ webhookSecret \}\) is an empty list/],
    [() => mollieProvider({ apiKey: 'test_short' }), /option mollieProvider\(\{ apiKey \}\) must be a Mollie API key/],
  ])('a malformed key given in the code stops start-up, naming the option (%#)', (create, message) => {
    expect(create).toThrow(message)
  })

  it('a webhook with no secret anywhere is refused with the reason, not verified', async () => {
    await expect(stripeProvider().verifyWebhook('{}', new Headers({ 'stripe-signature': 't=1,v1=00' }), storedNothing)).rejects.toMatchObject({ name: 'SecretNotConfigured' })
    await expect(mollieProvider().verifyWebhook('id=tr_abcdef', new Headers(), storedNothing)).rejects.toThrow(/no Mollie API key is configured/)
  })
})

import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'

import { isSealed, keyringOf, openSecret, parseSecretKey, resealSecret, sealedWithCurrentKey, sealSecret, SecretUnreadable } from './secrets.js'

const newKey = () => parseSecretKey(randomBytes(32).toString('base64'))!

describe('secrets at rest', () => {
  it('parses 32-byte keys as base64 or hex and nothing else', () => {
    const raw = randomBytes(32)
    expect(parseSecretKey(raw.toString('base64'))!.key.equals(raw)).toBe(true)
    expect(parseSecretKey(raw.toString('hex'))!.key.equals(raw)).toBe(true)
    expect(parseSecretKey(raw.toString('base64url'))!.key.equals(raw)).toBe(true)
    expect(parseSecretKey(randomBytes(16).toString('base64'))).toBeNull()
    expect(parseSecretKey('correct horse battery staple correct horse b')).toBeNull()
    expect(parseSecretKey(42)).toBeNull()
  })

  it('seals with AES-256-GCM: the stored form holds neither the value nor the key, and opens again', () => {
    const key = newKey()
    const keyring = keyringOf([key], 'unused')
    const sealed = sealSecret(keyring, 'sk_live_51Hxyz', 'settings.stripeSecretKey')
    expect(isSealed(sealed)).toBe(true)
    expect(sealed).not.toContain('sk_live')
    expect(sealed).not.toContain(key.key.toString('base64url'))
    expect(sealed.split('.')[1]).toBe(key.id)
    expect(sealSecret(keyring, 'sk_live_51Hxyz', 'settings.stripeSecretKey')).not.toBe(sealed)
    expect(openSecret(keyring, sealed, 'settings.stripeSecretKey')).toBe('sk_live_51Hxyz')
  })

  it('refuses a value moved to another place, altered, or sealed under an unknown key', () => {
    const keyring = keyringOf([newKey()], 'unused')
    const sealed = sealSecret(keyring, 'JBSWY3DPEHPK3PXP', 'contacts.1.twoFactor')
    expect(() => openSecret(keyring, sealed, 'contacts.2.twoFactor')).toThrow(SecretUnreadable)
    const parts = sealed.split('.')
    const flipped = Buffer.from(parts[3], 'base64url')
    flipped[0] ^= 1
    expect(() => openSecret(keyring, [...parts.slice(0, 3), flipped.toString('base64url'), parts[4]].join('.'), 'contacts.1.twoFactor')).toThrow(SecretUnreadable)
    expect(() => openSecret(keyringOf([newKey()], 'unused'), sealed, 'contacts.1.twoFactor')).toThrow(/not among the configured keys/)
    expect(() => openSecret(keyring, 'plain text', 'contacts.1.twoFactor')).toThrow(/not a sealed value/)
  })

  it('rotates: the new key seals, the old one still opens, and resealing moves values to the new key', () => {
    const [oldKey, freshKey] = [newKey(), newKey()]
    const before = keyringOf([oldKey], 'unused')
    const sealed = sealSecret(before, 'whsec_abc', 'settings.stripeWebhookSecret')
    const during = keyringOf([freshKey, oldKey], 'unused')
    expect(sealedWithCurrentKey(during, sealed)).toBe(false)
    const resealed = resealSecret(during, sealed, 'settings.stripeWebhookSecret')
    expect(sealedWithCurrentKey(during, resealed)).toBe(true)
    expect(resealSecret(during, resealed, 'settings.stripeWebhookSecret')).toBe(resealed)
    const after = keyringOf([freshKey], 'unused')
    expect(openSecret(after, resealed, 'settings.stripeWebhookSecret')).toBe('whsec_abc')
    expect(() => openSecret(after, sealed, 'settings.stripeWebhookSecret')).toThrow(SecretUnreadable)
  })

  it('without configured keys derives one from the Payload secret, which must stay the same', () => {
    const sealed = sealSecret(keyringOf([], 'payload-secret-a'), 'value', 'label')
    expect(openSecret(keyringOf([], 'payload-secret-a'), sealed, 'label')).toBe('value')
    expect(() => openSecret(keyringOf([], 'payload-secret-b'), sealed, 'label')).toThrow(SecretUnreadable)
  })
})

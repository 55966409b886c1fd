import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Secrets at rest (provider keys, webhook secrets, contacts' two-factor secrets): AES-256-GCM under a
 * key from the environment. A stored value names the key that sealed it, so keys can be rotated: the
 * first key seals, every listed key opens, and `rotateSecrets` reseals old values under the first.
 *
 * Stored form: `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url). The key id is a hash of the key, not
 * the key. Each value is bound to where it is kept (`label`, the GCM associated data), so a value
 * copied into another field or another contact's row does not open.
 */
export type SecretKey = { id: string; key: Buffer }

export type Keyring = { current: SecretKey; keys: Map<string, SecretKey> }

const FORMAT = 'v1'

/** A sealed value that no configured key opens, or that was altered. Never carries the value. */
export class SecretUnreadable extends Error {
  constructor(reason: string) {
    super(`payload-invoice-portal: a stored secret cannot be opened (${reason})`)
    this.name = 'SecretUnreadable'
  }
}

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 12)

/** 32 bytes as base64 (what `openssl rand -base64 32` prints) or as 64 hex digits; null for anything else. */
export function parseSecretKey(text: unknown): null | SecretKey {
  if (typeof text !== 'string') return null
  const trimmed = text.trim()
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : null
  return key?.length === 32 ? { id: keyId(key), key } : null
}

/**
 * The keys from the options, newest first. Without any, one key derived from Payload's secret (which
 * also comes from the environment), so that a host that configures nothing still never stores a
 * secret in the clear; changing `PAYLOAD_SECRET` then makes stored secrets unreadable, which is why
 * the README asks for keys of their own.
 */
export function keyringOf(keys: SecretKey[], payloadSecret: string): Keyring {
  // The derived key always opens (never seals, once keys are configured): a host that adds keys later
  // rotates what it stored before under them, without having to name the derived key.
  const list = [...keys, derivedKey(payloadSecret)]
  return { current: list[0], keys: new Map(list.map((entry) => [entry.id, entry])) }
}

function derivedKey(payloadSecret: string): SecretKey {
  const key = Buffer.from(hkdfSync('sha256', payloadSecret, 'payload-invoice-portal', 'secrets at rest v1', 32))
  return { id: keyId(key), key }
}

const b64 = (buffer: Buffer) => buffer.toString('base64url')

export function sealSecret(keyring: Keyring, plaintext: string, label: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', keyring.current.key, iv)
  cipher.setAAD(Buffer.from(label))
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return [FORMAT, keyring.current.id, b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join('.')
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(`${FORMAT}.`) && value.split('.').length === 5
}

export function openSecret(keyring: Keyring, sealed: string, label: string): string {
  if (!isSealed(sealed)) throw new SecretUnreadable('not a sealed value')
  const [, id, iv, ciphertext, tag] = sealed.split('.')
  const entry = keyring.keys.get(id)
  if (!entry) throw new SecretUnreadable(`sealed with key ${id}, which is not among the configured keys`)
  try {
    const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(iv, 'base64url'))
    decipher.setAAD(Buffer.from(label))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8')
  } catch {
    throw new SecretUnreadable(`key ${id} does not open it: altered, or kept under another label`)
  }
}

/** Whether a sealed value is under the current key already (rotation skips it). */
export function sealedWithCurrentKey(keyring: Keyring, sealed: string): boolean {
  return sealed.split('.')[1] === keyring.current.id
}

/** Opens under any key, seals under the current one: what rotation does to each value. */
export function resealSecret(keyring: Keyring, sealed: string, label: string): string {
  return sealedWithCurrentKey(keyring, sealed) ? sealed : sealSecret(keyring, openSecret(keyring, sealed, label), label)
}

const keyrings = new WeakMap<object, Keyring>()

/** The keyring of a plugin instance: its configured keys, else the one derived from Payload's secret. */
export function keyringFor(ctx: { options: { secrets: { keys: SecretKey[] } } }, payload: { secret: string }): Keyring {
  let keyring = keyrings.get(ctx.options)
  if (!keyring) {
    keyring = keyringOf(ctx.options.secrets.keys, payload.secret)
    keyrings.set(ctx.options, keyring)
  }
  return keyring
}

/** Where a contact's two-factor secrets are kept, as the label they are sealed under (not the slug, which a host may rename). */
export const twoFactorLabel = (contactId: number | string) => `contact.${contactId}.twoFactor`

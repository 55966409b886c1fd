import type { Payload, PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { settingsSlug } from '../options.js'
import { type ProviderSecretName, providerSecretNames, providerSecrets, type StoredSecrets } from './providerSecrets.js'
import { isSealed, type Keyring, keyringFor, openSecret, SecretUnreadable } from './secrets.js'

/** The settings' stored fields: sealed values (never returned by any API) and what staff may see of them. */
export const SEALED_FIELD = 'sealedSecrets'
export const STATUS_FIELD = 'secretsStatus'

export type SealedSecrets = Partial<Record<ProviderSecretName, string>>

export type SecretStatus = { keyId: null | string; setAt: null | string }

export type StoredSecretRow = { sealed: SealedSecrets; status: Partial<Record<ProviderSecretName, Partial<SecretStatus> | null>> }

/** What each settings secret is sealed under: a value moved to another name, or elsewhere, does not open. */
export const settingsSecretLabel = (name: ProviderSecretName) => `settings.${name}`

/**
 * The stored secrets, read straight from the database: the field is unreadable through every API,
 * hooks and access included. Pass the request inside a transaction, so the read joins it.
 */
export async function readStoredSecrets(payload: Payload, req?: Partial<PayloadRequest>): Promise<StoredSecretRow> {
  const row = (await payload.db.findGlobal({ slug: settingsSlug, req, select: { [SEALED_FIELD]: true, [STATUS_FIELD]: true } })) as Record<string, unknown>
  const sealed = (row?.[SEALED_FIELD] ?? {}) as Record<string, unknown>
  return {
    // Only the names we know, holding sealed values: anything else in the column is ignored.
    sealed: Object.fromEntries(providerSecretNames.filter((name) => isSealed(sealed[name])).map((name) => [name, sealed[name]])),
    status: (row?.[STATUS_FIELD] ?? {}) as StoredSecretRow['status'],
  }
}

// Opened values, by keyring and by sealed value: opened once, not per request; a value replaced in
// the settings is simply never asked for again.
const opened = new WeakMap<Keyring, Map<string, string>>()
const MAX_OPENED = 32

function openStored(keyring: Keyring, name: ProviderSecretName, sealed: string): string {
  let cache = opened.get(keyring)
  if (!cache) opened.set(keyring, (cache = new Map()))
  const key = `${name}:${sealed}`
  let value = cache.get(key)
  if (value === undefined) {
    try {
      value = openSecret(keyring, sealed, settingsSecretLabel(name))
    } catch (error) {
      // Say which secret: the reason alone (a key id) does not tell staff what to fix.
      const reason = /\((.*)\)$/.exec((error as Error).message)?.[1] ?? (error as Error).message
      throw new SecretUnreadable(`the settings' ${providerSecrets[name].label}: ${reason}; configure the key it was sealed with in secrets.keys, or enter the secret again`)
    }
    if (cache.size >= MAX_OPENED) cache.clear()
    cache.set(key, value)
  }
  return value
}

/**
 * The settings' secrets for one use (a webhook, a checkout, a sync): read from the database at the
 * first `get`, so a change in the settings applies from the next use on, in every app instance.
 */
export function storedSecrets(portal: PluginContext & { payload: Payload }, req?: Partial<PayloadRequest>): StoredSecrets {
  let row: Promise<StoredSecretRow> | undefined
  return {
    get: async (name) => {
      row ??= readStoredSecrets(portal.payload, req)
      const sealed = (await row).sealed[name]
      return sealed === undefined ? undefined : openStored(keyringFor(portal, portal.payload), name, sealed)
    },
  }
}

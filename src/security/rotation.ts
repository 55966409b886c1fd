import type { Payload } from 'payload'

import { rotationPreview } from '../globals/settingsSecrets.js'
import { settingsSlug } from '../options.js'
import { type Portal, portalOf } from '../portal/context.js'
import { withFlags } from '../utilities/context.js'
import { type Keyring, keyringFor } from './secrets.js'
import { readStoredSecrets } from './storedSecrets.js'
import { twoFactorSecretStore } from './twoFactor.js'

/** What rotation did: values sealed again under the current key, values under it already, values no configured key opens. */
export type RotationCounts = { alreadyCurrent: number; resealed: number; unreadable: number }

/**
 * A place where sealed secrets are kept. `reseal` opens each value with any configured key and seals
 * it again under the current (first) one, leaving values no configured key opens as they are.
 */
export type SecretStore = {
  /** For messages: what the store holds, e.g. "settings". */
  name: string
  reseal(portal: Portal, keyring: Keyring): Promise<RotationCounts>
}

/** The settings global's provider keys and webhook secrets, resealed through its own hook (one writer). */
export const settingsSecretStore: SecretStore = {
  name: 'settings',
  reseal: async (portal, keyring) => {
    const preview = rotationPreview(keyring, await readStoredSecrets(portal.payload))
    if (preview.resealed === 0) return preview
    const counts = { alreadyCurrent: 0, resealed: 0, unreadable: 0 }
    await portal.payload.updateGlobal({ slug: settingsSlug, context: withFlags(undefined, { resealSecrets: counts }), data: {}, depth: 0, overrideAccess: true })
    return counts
  },
}

/** Every store rotation visits. */
export const secretStores: SecretStore[] = [settingsSecretStore, twoFactorSecretStore]

/**
 * Key rotation: put a new key first in `secrets.keys` (keeping the old ones after it), start the app
 * (or a script) with that config and call this; once it reports nothing unreadable, the old keys can
 * be dropped. Safe to run again: values already under the current key are left alone.
 */
export async function rotateSecrets(payload: Payload, stores: readonly SecretStore[] = secretStores): Promise<RotationCounts> {
  const portal = portalOf(payload)
  const keyring = keyringFor(portal, payload)
  const total = { alreadyCurrent: 0, resealed: 0, unreadable: 0 }
  for (const store of stores) {
    const counts = await store.reseal(portal, keyring)
    total.alreadyCurrent += counts.alreadyCurrent
    total.resealed += counts.resealed
    total.unreadable += counts.unreadable
    if (counts.unreadable > 0) payload.logger.warn(`payload-invoice-portal: ${counts.unreadable} secret(s) in ${store.name} cannot be opened with the configured secrets.keys and were left as they are`)
  }
  return total
}

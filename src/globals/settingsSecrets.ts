import type { Field, FieldHook, GlobalBeforeChangeHook } from 'payload'

import type { RotationCounts } from '../security/rotation.js'
import type { PluginContext } from '../utilities/context.js'

import { type ProviderSecretName, providerSecretNames, providerSecretProblem, providerSecrets } from '../security/providerSecrets.js'
import { type Keyring, keyringFor, resealSecret, sealedWithCurrentKey, sealSecret } from '../security/secrets.js'
import { readStoredSecrets, SEALED_FIELD, type SealedSecrets, type SecretStatus, settingsSecretLabel, STATUS_FIELD, type StoredSecretRow } from '../security/storedSecrets.js'
import { hookFlags } from '../utilities/context.js'

export const REMOVE_FIELD = 'removeSecrets'

const never = () => false

/** The input as typed, without the whitespace a paste brings along; empty means "keep the stored one". */
const typed = (value: unknown) => (typeof value === 'string' ? value.trim() : value)

const given = (value: unknown) => value !== undefined && value !== null && typed(value) !== ''

/**
 * Write-only inputs: virtual, so never stored as typed; the settings' beforeChange hook seals them.
 * A virtual field is read-only unless told otherwise.
 */
const secretInput = (name: ProviderSecretName): Field => ({
  name,
  type: 'text',
  admin: { autoComplete: 'off', description: 'Write-only. Leave empty to keep the stored one.', readOnly: false },
  label: providerSecrets[name].label,
  validate: (value: unknown) => (given(value) ? (providerSecretProblem(name, typed(value)) ?? true) : true),
  virtual: true,
})

/**
 * The stored sealed values: no access for anyone, and taken off every document read, whatever the
 * caller (REST, GraphQL, the admin, the Local API with overrideAccess or showHiddenFields). Only the
 * settings' hook writes it, and code that needs a secret reads the database (security/storedSecrets.ts).
 */
const stripSealed: FieldHook = ({ siblingData }) => {
  delete siblingData[SEALED_FIELD]
  return undefined
}

/** "Provider keys and webhook secrets": write-only inputs, a way to remove, and what staff may know of them. */
export function secretsSection(): Field {
  return {
    type: 'collapsible',
    admin: {
      description:
        'Encrypted (AES-256-GCM) when saved and never shown again. A key given in the code (stripeProvider, mollieProvider, erp.webhookSecret) takes precedence over the one stored here.',
      initCollapsed: false,
    },
    label: 'Provider keys and webhook secrets',
    fields: [
      ...providerSecretNames.map(secretInput),
      {
        name: REMOVE_FIELD,
        type: 'select',
        admin: { readOnly: false },
        hasMany: true,
        label: 'Remove stored secrets',
        options: providerSecretNames.map((name) => ({ label: providerSecrets[name].label, value: name })),
        validate: (value: unknown, { siblingData }: { siblingData: Record<string, unknown> }) => {
          const both = (Array.isArray(value) ? (value as ProviderSecretName[]) : []).filter((name) => given(siblingData?.[name]))
          return both.length === 0 ? true : `${both.map((name) => providerSecrets[name].label).join(', ')}: either enter a new value or remove it, not both`
        },
        virtual: true,
      },
      {
        name: STATUS_FIELD,
        type: 'group',
        access: { create: never, update: never },
        admin: { description: 'Which secrets are stored, since when, and under which encryption key (its id, not the key).', readOnly: true },
        label: 'Stored secrets',
        fields: providerSecretNames.map((name) => ({
          name,
          type: 'group',
          label: providerSecrets[name].label,
          fields: [
            {
              type: 'row',
              fields: [
                { name: 'setAt', type: 'date', admin: { date: { pickerAppearance: 'dayAndTime' }, readOnly: true }, label: 'Set at' },
                { name: 'keyId', type: 'text', admin: { readOnly: true }, label: 'Encrypted with key' },
              ],
            },
          ],
        })),
      },
      {
        name: SEALED_FIELD,
        type: 'json',
        access: { create: never, read: never, update: never },
        hidden: true,
        hooks: { afterRead: [stripSealed] },
      },
    ],
  }
}

type Status = Record<ProviderSecretName, SecretStatus>

/** Reseals every readable value under the current key (rotation), counting what it did. */
function resealAll(keyring: Keyring, sealed: SealedSecrets, counts: RotationCounts): SealedSecrets {
  const result: SealedSecrets = {}
  for (const [name, value] of Object.entries(sealed) as Array<[ProviderSecretName, string]>) {
    if (sealedWithCurrentKey(keyring, value)) counts.alreadyCurrent += 1
    else {
      try {
        result[name] = resealSecret(keyring, value, settingsSecretLabel(name))
        counts.resealed += 1
        continue
      } catch {
        // Kept as it is: configuring the key that sealed it makes it readable (and resealable) again.
        counts.unreadable += 1
      }
    }
    result[name] = value
  }
  return result
}

/** What rotation would do to the stored values, without writing: whether there is anything to write. */
export function rotationPreview(keyring: Keyring, row: StoredSecretRow): RotationCounts {
  const counts = { alreadyCurrent: 0, resealed: 0, unreadable: 0 }
  resealAll(keyring, row.sealed, counts)
  return counts
}

/**
 * Seals what staff typed, drops what they asked to remove, keeps the rest, and writes the sealed
 * values and their status into the stored fields. Field access has already taken any client-sent
 * value of those fields out (it runs before this hook); this writes them from the database's values,
 * so nothing a caller sends can replace a sealed value except through the inputs. A malformed input
 * is not sealed: its field's validation, which runs after this hook and before the write, refuses
 * the whole save (400, naming the field).
 */
export function sealSettingsSecrets(ctx: PluginContext): GlobalBeforeChangeHook {
  return async ({ context, data, req }) => {
    const keyring = keyringFor(ctx, req.payload)
    const stored = await readStoredSecrets(req.payload, req)
    console.log('HOOK ' + JSON.stringify([Object.keys(stored.sealed), hookFlags(context), Object.keys(data)]))
    const rotation = hookFlags(context).resealSecrets
    const sealed = rotation ? resealAll(keyring, stored.sealed, rotation) : { ...stored.sealed }
    const removed = new Set(Array.isArray(data[REMOVE_FIELD]) ? (data[REMOVE_FIELD] as string[]) : [])
    const now = new Date().toISOString()
    const status = {} as Status
    for (const name of providerSecretNames) {
      const input = typed(data[name])
      if (given(input) && !providerSecretProblem(name, input)) {
        sealed[name] = sealSecret(keyring, input as string, settingsSecretLabel(name))
        status[name] = { keyId: keyring.current.id, setAt: now }
      } else if (removed.has(name)) {
        delete sealed[name]
      }
      const value = sealed[name]
      status[name] ??= value ? { keyId: value.split('.')[1], setAt: stored.status[name]?.setAt ?? null } : { keyId: null, setAt: null }
    }
    return { ...data, [SEALED_FIELD]: sealed, [STATUS_FIELD]: status }
  }
}

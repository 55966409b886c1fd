import { APIError, type Payload, type PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'
import { lockRows } from '../db/postgres.js'
import { inTransaction } from '../db/transaction.js'
import { type Keyring, keyringFor, openSecret, resealSecret, sealedWithCurrentKey, sealSecret, twoFactorLabel } from './secrets.js'
import { hashRecoveryCode, looksLikeRecoveryCode, matchTotp, newRecoveryCodes, newTotpSecret } from './totp.js'

/**
 * Two-factor sign-in of contacts: what is stored (sealed secrets, hashed recovery codes, the last
 * code's time step) and every change to it. The portal's pages and forms and the REST sign-in hook
 * all come through here; the stored fields are hidden from every API.
 */
export type TwoFactorFields = {
  enabled?: boolean | null
  enabledAt?: null | string
  lastStep?: null | number
  pendingSecret?: null | string
  recoveryCodes?: null | string[]
  secret?: null | string
}

export type TwoFactorState = {
  contact: { client: unknown; email: string; id: number | string; twoFactor?: TwoFactorFields | null }
  /** The contact signs in with a second factor. */
  enrolled: boolean
  /** Its client requires one. */
  required: boolean
  /** A second step is due after the password or link: enrolled, or required and not yet set up. */
  needed: boolean
}

type Runner = { payload: Payload; req?: PayloadRequest }

/** The contact as stored (hidden fields included) and its client's rule. */
export async function twoFactorState(ctx: PluginContext, { payload, req }: Runner, contactId: number | string): Promise<null | TwoFactorState> {
  const contact = (await payload.db.findOne({ collection: ctx.options.slugs.contacts, req, where: { id: { equals: contactId } } })) as null | TwoFactorState['contact']
  if (!contact) return null
  const clientId = relationId(contact.client)
  const client = clientId === null ? null : await payload.db.findOne<{ id: number | string; requireTwoFactor?: boolean | null }>({ collection: ctx.options.slugs.clients, req, where: { id: { equals: clientId } } })
  const enrolled = Boolean(contact.twoFactor?.enabled && contact.twoFactor.secret)
  const required = Boolean(client?.requireTwoFactor)
  return { contact, enrolled, needed: enrolled || required, required }
}

const writeTwoFactor = (ctx: PluginContext, req: PayloadRequest, id: number | string, twoFactor: TwoFactorFields) =>
  req.payload.db.updateOne({ collection: ctx.options.slugs.contacts, data: { twoFactor }, id, req, returning: false })

/**
 * Under a lock on the contact's row, so two codes sent at once cannot both use one step or one
 * recovery code. In `req`'s transaction when given (a sign-in holds the row already).
 */
async function withLockedContact<T>(ctx: PluginContext, payload: Payload, contactId: number | string, work: (req: PayloadRequest, state: TwoFactorState) => Promise<T>, req?: PayloadRequest): Promise<T> {
  return inTransaction(
    payload,
    async (request) => {
      await lockRows(request, ctx.options.slugs.contacts, [contactId])
      const state = await twoFactorState(ctx, { payload, req: request }, contactId)
      if (!state) throw new APIError('Contact not found.', 404)
      return work(request, state)
    },
    req,
  )
}

export type SecondFactor = { method: 'recovery' | 'totp'; recoveryCodesLeft: number }

/**
 * Checks a code from the authenticator app, or a recovery code (which is then used up). Null when it
 * is wrong, or a code that was used already.
 */
export async function verifySecondFactor(ctx: PluginContext, payload: Payload, contactId: number | string, code: string, req?: PayloadRequest): Promise<null | SecondFactor> {
  return withLockedContact(ctx, payload, contactId, async (req, { contact, enrolled }) => {
    const stored = contact.twoFactor ?? {}
    if (!enrolled) return null
    const codes = stored.recoveryCodes ?? []
    if (looksLikeRecoveryCode(code)) {
      const hash = hashRecoveryCode(code)
      if (!codes.includes(hash)) return null
      const left = codes.filter((entry) => entry !== hash)
      await writeTwoFactor(ctx, req, contact.id, { ...stored, recoveryCodes: left })
      return { method: 'recovery', recoveryCodesLeft: left.length }
    }
    const secret = openSecret(keyringFor(ctx, payload), stored.secret!, twoFactorLabel(contact.id))
    const step = matchTotp(secret, code, stored.lastStep)
    if (step === null) return null
    await writeTwoFactor(ctx, req, contact.id, { ...stored, lastStep: step })
    return { method: 'totp', recoveryCodesLeft: codes.length }
  }, req)
}

/** Starts setting up (or keeps the set-up already started): a new secret waits until a code from it is confirmed. */
export async function beginEnrolment(ctx: PluginContext, payload: Payload, contactId: number | string): Promise<void> {
  await withLockedContact(ctx, payload, contactId, async (req, { contact, enrolled }) => {
    if (enrolled || contact.twoFactor?.pendingSecret) return
    const pendingSecret = sealSecret(keyringFor(ctx, payload), newTotpSecret(), twoFactorLabel(contact.id))
    await writeTwoFactor(ctx, req, contact.id, { ...contact.twoFactor, pendingSecret })
  })
}

/** The secret being set up, to show as a QR code and as text; null when none is. */
export function pendingSecretOf(ctx: PluginContext, payload: Payload, state: TwoFactorState): null | string {
  const sealed = state.enrolled ? null : state.contact.twoFactor?.pendingSecret
  return sealed ? openSecret(keyringFor(ctx, payload), sealed, twoFactorLabel(state.contact.id)) : null
}

/**
 * Finishes setting up with a code from the app: the pending secret becomes the secret, and ten
 * recovery codes are made. Returns them (their only plain copy), or null when the code is wrong.
 */
export async function confirmEnrolment(ctx: PluginContext, payload: Payload, contactId: number | string, code: string): Promise<null | string[]> {
  return withLockedContact(ctx, payload, contactId, async (req, state) => {
    const secret = pendingSecretOf(ctx, payload, state)
    if (!secret) return null
    const step = matchTotp(secret, code, null)
    if (step === null) return null
    const recoveryCodes = newRecoveryCodes()
    await writeTwoFactor(ctx, req, state.contact.id, {
      enabled: true,
      enabledAt: new Date().toISOString(),
      lastStep: step,
      pendingSecret: null,
      recoveryCodes: recoveryCodes.map(hashRecoveryCode),
      secret: state.contact.twoFactor!.pendingSecret,
    })
    return recoveryCodes
  })
}

/** New recovery codes for an enrolled contact; the old ones stop working. */
export async function replaceRecoveryCodes(ctx: PluginContext, payload: Payload, contactId: number | string): Promise<string[]> {
  return withLockedContact(ctx, payload, contactId, async (req, { contact, enrolled }) => {
    if (!enrolled) throw new APIError('Two-factor sign-in is not set up.', 400)
    const codes = newRecoveryCodes()
    await writeTwoFactor(ctx, req, contact.id, { ...contact.twoFactor, recoveryCodes: codes.map(hashRecoveryCode) })
    return codes
  })
}

/** What turning two-factor sign-in off (by the contact, or reset by staff) leaves stored. */
export const clearedTwoFactor: TwoFactorFields = { enabled: false, enabledAt: null, lastStep: null, pendingSecret: null, recoveryCodes: [], secret: null }

export async function turnOffTwoFactor(ctx: PluginContext, payload: Payload, contactId: number | string): Promise<void> {
  await withLockedContact(ctx, payload, contactId, (req, { contact }) => writeTwoFactor(ctx, req, contact.id, clearedTwoFactor))
}

/** Refused sign-ins that need a second factor: a name to recognise them by (see isTooManyAttempts for why not instanceof). */
export class TwoFactorRequired extends APIError {
  constructor(message: string, status = 401) {
    super(message, status, undefined, true)
    this.name = 'TwoFactorRequired'
  }
}

export function isTwoFactorRequired(error: unknown): error is TwoFactorRequired {
  return error instanceof Error && error.name === 'TwoFactorRequired'
}

/**
 * Contacts' two-factor secrets (set up, and being set up) for key rotation (rotation.ts): each
 * contact's row is resealed under its lock, so a sign-in at the same moment reads one or the other.
 */
export const twoFactorSecretStore = {
  name: 'contacts (two-factor secrets)',
  reseal: async (ctx: PluginContext & { payload: Payload }, keyring: Keyring) => {
    const counts = { alreadyCurrent: 0, resealed: 0, unreadable: 0 }
    const { docs } = await ctx.payload.find({
      collection: ctx.options.slugs.contacts,
      depth: 0,
      pagination: false,
      select: { id: true },
      showHiddenFields: true,
      where: { or: [{ 'twoFactor.secret': { exists: true } }, { 'twoFactor.pendingSecret': { exists: true } }] },
    })
    for (const { id } of docs) {
      await withLockedContact(ctx, ctx.payload, id, async (req, { contact }) => {
        const stored = { ...contact.twoFactor }
        let changed = false
        for (const field of ['secret', 'pendingSecret'] as const) {
          const sealed = stored[field]
          if (!sealed) continue
          if (sealedWithCurrentKey(keyring, sealed)) {
            counts.alreadyCurrent += 1
            continue
          }
          try {
            stored[field] = resealSecret(keyring, sealed, twoFactorLabel(id))
            counts.resealed += 1
            changed = true
          } catch {
            counts.unreadable += 1
          }
        }
        if (changed) await writeTwoFactor(ctx, req, id, stored)
      })
    }
    return counts
  },
}

import type { CollectionAfterChangeHook, CollectionBeforeChangeHook, CollectionBeforeLoginHook, PayloadRequest } from 'payload'

import { APIError } from 'payload'

import { hookFlags, type PluginContext } from '../utilities/context.js'

import { clearedTwoFactor, type SecondFactor, twoFactorState, TwoFactorRequired, verifySecondFactor } from '../security/twoFactor.js'
import { recordEvent } from './audit.js'

const SIGN_IN = 'invoicePortalTwoFactor'

/** What the second step of this sign-in came to, for the hooks that run after it (audit, throttle refund). */
export type SignInTwoFactor = { deferred?: boolean; factor?: SecondFactor }

export const signInTwoFactor = (req: PayloadRequest): SignInTwoFactor => (req.context?.[SIGN_IN] as SignInTwoFactor | undefined) ?? {}

/**
 * A contact with two-factor sign-in (or whose client requires it) signs in through REST with
 * `twoFactorCode` next to the e-mail and password; GraphQL's login has no such argument, so there it
 * is refused with the same message. Runs after the password is checked, inside the sign-in's
 * transaction: a refusal rolls the new session back. The portal defers the step to a page of its own.
 */
export function twoFactorBeforeLogin(ctx: PluginContext): CollectionBeforeLoginHook {
  return async ({ context, req, user }) => {
    const state = await twoFactorState(ctx, { payload: req.payload, req }, user.id)
    if (!state?.needed) return user
    if (hookFlags(context).twoFactorDeferred) {
      req.context[SIGN_IN] = { deferred: true } satisfies SignInTwoFactor
      return user
    }
    if (!state.enrolled) throw new TwoFactorRequired('Two-factor sign-in is required for this account: set it up by signing in to the portal first.', 403)
    const code = (req.data as { twoFactorCode?: unknown } | undefined)?.twoFactorCode
    if (typeof code !== 'string' || !code.trim()) {
      throw new TwoFactorRequired('This account signs in with two factors: send twoFactorCode (from the authenticator app, or a recovery code) with the e-mail and password.')
    }
    const factor = await verifySecondFactor(ctx, req.payload, user.id, code, req)
    if (!factor) throw new TwoFactorRequired('The two-factor code is wrong, or was used already.')
    req.context[SIGN_IN] = { factor } satisfies SignInTwoFactor
    return user
  }
}

/**
 * Staff switch a contact's two-factor sign-in off to reset it (a lost phone): everything stored for it
 * goes. Only the contact can switch it on, by setting it up in the portal.
 */
export function twoFactorStaffReset(ctx: PluginContext): CollectionBeforeChangeHook {
  return async ({ data, operation, originalDoc, req }) => {
    const wanted = (data.twoFactor as { enabled?: boolean } | undefined)?.enabled
    const was = Boolean((originalDoc?.twoFactor as { enabled?: boolean } | undefined)?.enabled)
    if (wanted === true && !was) throw new APIError('Two-factor sign-in is switched on by the contact, when it sets it up in the portal.', 400)
    if (operation === 'update' && was && wanted === false) {
      data.twoFactor = { ...clearedTwoFactor }
      await recordEvent(ctx, req, { client: originalDoc.client, contact: originalDoc.id, type: 'two_factor_reset' })
    }
    return data
  }
}

/**
 * When staff start requiring two-factor sign-in for a client, the sessions of its contacts without it
 * end: each signs in again and sets it up first, through the portal or not at all (REST refuses them).
 */
export function endSessionsWithoutTwoFactor(ctx: PluginContext): CollectionAfterChangeHook {
  return async ({ doc, previousDoc, req }) => {
    if (!doc.requireTwoFactor || previousDoc?.requireTwoFactor) return doc
    const { docs } = await req.payload.find({
      collection: ctx.options.slugs.contacts,
      depth: 0,
      pagination: false,
      req,
      select: { id: true },
      where: { and: [{ client: { equals: doc.id } }, { 'twoFactor.enabled': { not_equals: true } }] },
    })
    for (const contact of docs) await req.payload.db.updateOne({ collection: ctx.options.slugs.contacts, data: { sessions: [] }, id: contact.id, req, returning: false })
    return doc
  }
}

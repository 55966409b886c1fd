import { AuthenticationError, type CollectionAfterErrorHook, type CollectionAfterLoginHook, type CollectionBeforeOperationHook, LockedAuth } from 'payload'

import { hookFlags, type PluginContext } from '../utilities/context.js'

import { assertNotThrottled, isTooManyAttempts, uncountRequest } from '../security/throttle.js'
import { requestIp } from '../utilities/requestIp.js'
import { isTwoFactorRequired } from '../security/twoFactor.js'
import { recordEvent, recordLoginFailure } from './audit.js'
import { signInTwoFactor } from './twoFactor.js'

const LOGIN_ATTEMPT = 'invoicePortalLoginAttempt'

/**
 * Sign-ins and password-reset requests of contacts (and of staff) are counted before Payload checks a password or
 * sends an e-mail, whichever way they come (the portal's form, REST, GraphQL, the Local API). Past a
 * limit they are refused with 429 and `Retry-After`, and a refused sign-in is audited.
 */
export function throttleBeforeOperation(ctx: PluginContext): CollectionBeforeOperationHook {
  return async ({ args, collection, context, operation, req }) => {
    if ((operation !== 'login' && operation !== 'forgotPassword') || hookFlags(context).throttleCounted) return args
    const email = typeof args.data?.email === 'string' ? args.data.email : null
    const subject = { email, ip: requestIp(req.headers) }
    if (operation === 'login') req.context[LOGIN_ATTEMPT] = true
    try {
      await assertNotThrottled(ctx, req, operation === 'login' ? 'login' : 'passwordReset', subject)
    } catch (error) {
      if (isTooManyAttempts(error)) {
        // Not looked up as a failure is: under attack, a refusal costs one write and nothing more.
        const staff = collection.slug !== ctx.options.slugs.contacts ? { collection: collection.slug } : {}
        if (operation === 'login') await recordEvent(ctx, req, { details: { ...staff, email: email?.slice(0, 320) ?? '', reason: 'throttled' }, type: 'login_failed' })
        req.responseHeaders = new Headers(req.responseHeaders)
        req.responseHeaders.set('Retry-After', String(error.retryAfterSeconds))
      }
      throw error
    }
    return args
  }
}

/** A sign-in that succeeded gives its count back: only failures use up the limit. */
export function throttleAfterLogin(ctx: PluginContext): CollectionAfterLoginHook {
  return async ({ req, user }) => {
    // Not yet, when a second step is to come: the portal gives the count back once it is passed.
    if (signInTwoFactor(req).deferred) return
    await uncountRequest(ctx, req, 'login', { email: (user as { email?: string }).email, ip: requestIp(req.headers) })
  }
}

/**
 * A sign-in refused through REST or GraphQL (wrong password, locked account) is audited as the
 * portal's own form audits it; a throttled one was audited when it was refused.
 */
export function loginFailureAudit(ctx: PluginContext): CollectionAfterErrorHook {
  return async ({ collection, error, req }) => {
    if (!req.context?.[LOGIN_ATTEMPT]) return
    const email = String((req.data as { email?: unknown } | undefined)?.email ?? '').slice(0, 320)
    // The password was right; the second factor missing or wrong (hooks/twoFactor.ts).
    if (isTwoFactorRequired(error)) return recordLoginFailure(ctx, req, email, error.message, 'two_factor_failed')
    if (!(error instanceof AuthenticationError || error instanceof LockedAuth)) return
    const reason = error instanceof LockedAuth ? 'locked' : 'invalid'
    if (collection?.slug !== ctx.options.slugs.contacts) {
      await recordEvent(ctx, req, { details: { collection: collection?.slug, email, reason }, type: 'login_failed' })
      return
    }
    await recordLoginFailure(ctx, req, email, reason)
  }
}

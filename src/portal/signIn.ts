import { logoutOperation } from 'payload'

import type { Portal } from './context.js'

import { recordEvent, recordSignIn } from '../hooks/audit.js'
import { uncountRequest } from '../security/throttle.js'
import { beginEnrolment, type SecondFactor, twoFactorState } from '../security/twoFactor.js'
import { challengeCookie, clearedChallengeCookie } from './challenge.js'
import { isSecure, requestIp } from './requests.js'
import { eventRequest, seeOther } from './responses.js'
import { authenticate, sessionCookie, startSession } from './session.js'

/**
 * After a first factor (a password, a magic link, a password reset): straight into a session, or,
 * when the contact signs in with two factors (or its client requires them and it has none yet),
 * first to the page that asks for the code or sets the app up. A session the first factor opened
 * already (Payload's login and reset open one) is ended then, so it cannot be used around the step.
 */
export async function afterFirstFactor(portal: Portal, request: Request, contactId: number | string, next: string, opened?: string): Promise<Response> {
  const state = await twoFactorState(portal, portal, contactId)
  if (!state?.needed) {
    const token = opened ?? (await startSession(portal, contactId)).token
    return seeOther(next, sessionCookie(portal, token, isSecure(request)))
  }
  if (opened) {
    const user = await authenticate(portal, opened)
    if (user) await logoutOperation({ collection: portal.payload.collections[portal.options.slugs.contacts], req: await eventRequest(portal, request, user) })
  }
  if (!state.enrolled) await beginEnrolment(portal, portal.payload, contactId)
  return seeOther(`${portal.options.portal.route}/verify`, challengeCookie(portal, { contactId, next }, isSecure(request)))
}

/**
 * The second factor is passed: a session, the sign-in on record (with how the second factor was
 * given), and the throttle's count for the address given back, as a successful sign-in gives it.
 */
export async function afterSecondFactor(portal: Portal, request: Request, contactId: number | string, factor: SecondFactor | { method: 'enrolled' }): Promise<string[]> {
  const { contact, token } = await startSession(portal, contactId)
  const req = await eventRequest(portal, request, contact)
  await recordSignIn(portal, req, contact, factor)
  if (factor.method === 'enrolled') await recordEvent(portal, req, { client: contact.client, contact: contact.id, type: 'two_factor_enabled' })
  await uncountRequest(portal, portal, 'login', { email: contact.email, ip: requestIp(request) })
  return [sessionCookie(portal, token, isSecure(request)), clearedChallengeCookie(portal, isSecure(request))]
}


import type { Portal } from './context.js'
import type { Contact } from './session.js'

import { recordEvent } from '../hooks/audit.js'
import { countRequest, uncountRequest } from '../security/throttle.js'
import { beginEnrolment, confirmEnrolment, replaceRecoveryCodes, type SecondFactor, turnOffTwoFactor, twoFactorState, verifySecondFactor } from '../security/twoFactor.js'
import { escapeHtml } from '../utilities/html.js'
import { challengeOf } from './challenge.js'
import { formText, type Handler, plainPage, requestIp, safeNext, tooManyAttempts } from './requests.js'
import { eventRequest, seeOther } from './responses.js'
import { afterSecondFactor } from './signIn.js'

/**
 * The forms of two-factor sign-in: the second step of signing in (`two-factor`, no session yet, the
 * challenge cookie says who), and the contact's own settings (set up, new recovery codes, turn off).
 * Every code is counted by the sign-in throttle, so nobody gets more than its limit of guesses at
 * six digits; a right one gives its count back.
 */
async function checkCode(portal: Portal, request: Request, email: string, attempt: () => Promise<unknown>): Promise<{ ok: boolean } | { throttled: Response }> {
  const subject = { email, ip: requestIp(request) }
  const verdict = await countRequest(portal, portal, 'login', subject)
  if (!verdict.allowed) return { throttled: tooManyAttempts(portal, request, verdict.retryAfterSeconds) }
  const ok = Boolean(await attempt())
  if (ok) await uncountRequest(portal, portal, 'login', subject)
  return { ok }
}

/** The codes, their only plain copy, on a page that is never cached, with the way on. */
function recoveryCodesPage(portal: Portal, request: Request, codes: string[], next: string, cookies: string[] = []): Response {
  return plainPage(portal, request, {
    body: (t) =>
      `<p>${escapeHtml(t('twoFactor.codesIntro'))}</p><ul class="recovery-codes">${codes.map((code) => `<li><code>${escapeHtml(code)}</code></li>`).join('')}</ul><p><a class="button" href="${escapeHtml(next)}">${escapeHtml(t('twoFactor.continue'))}</a></p>`,
    cookies,
    title: (t) => t('twoFactor.codesTitle'),
  })
}

/** The second step of signing in: a code from the app, a recovery code, or the first code of an app being set up. */
export const verifyTwoFactor: Handler = async ({ form, portal, request }) => {
  const route = portal.options.portal.route
  const challenge = challengeOf(portal, request)
  const state = challenge && (await twoFactorState(portal, portal, challenge.contactId))
  if (!challenge || !state) return seeOther(`${route}/verify?error=expired`)
  const next = safeNext(portal, challenge.next)
  const code = formText(form, 'code')
  const { contact } = state
  let factor: null | SecondFactor | { method: 'enrolled' } = null
  let codes: null | string[] = null
  const checked = await checkCode(portal, request, contact.email, async () => {
    if (state.enrolled) return (factor = await verifySecondFactor(portal, portal.payload, contact.id, code))
    codes = await confirmEnrolment(portal, portal.payload, contact.id, code)
    return codes && (factor = { method: 'enrolled' })
  })
  if ('throttled' in checked) return checked.throttled
  if (!factor) {
    await recordEvent(portal, await eventRequest(portal, request, null), { client: contact.client, contact: contact.id, details: { reason: 'wrong code' }, type: 'two_factor_failed' })
    return seeOther(`${route}/verify?error=code`)
  }
  const cookies = await afterSecondFactor(portal, request, contact.id, factor)
  return codes ? recoveryCodesPage(portal, request, codes, next, cookies) : seeOther(next, cookies)
}

const settingsPage = (portal: Portal, query = '') => `${portal.options.portal.route}/two-factor${query}`

/** Starts setting up the app: the page then shows the QR code of a new secret. */
export const startTwoFactor: Handler = async ({ contact, portal }) => {
  await beginEnrolment(portal, portal.payload, contact!.id)
  return seeOther(settingsPage(portal))
}

export const confirmTwoFactor: Handler = async ({ contact, form, portal, request }) => {
  let codes: null | string[] = null
  const checked = await checkCode(portal, request, contact!.email, async () => (codes = await confirmEnrolment(portal, portal.payload, contact!.id, formText(form, 'code'))))
  if ('throttled' in checked) return checked.throttled
  if (!codes) return seeOther(settingsPage(portal, '?error=code'))
  await recordEvent(portal, await eventRequest(portal, request, contact), { client: contact!.client, type: 'two_factor_enabled' })
  return recoveryCodesPage(portal, request, codes, settingsPage(portal, '?saved=on'))
}

/** A change to an app in use is confirmed with a code from it (or a recovery code), as signing in is. */
async function withCode(portal: Portal, request: Request, contact: Contact, form: FormData, change: () => Promise<Response>): Promise<Response> {
  const checked = await checkCode(portal, request, contact.email, () => verifySecondFactor(portal, portal.payload, contact.id, formText(form, 'code')))
  if ('throttled' in checked) return checked.throttled
  if (!checked.ok) {
    await recordEvent(portal, await eventRequest(portal, request, contact), { client: contact.client, details: { reason: 'wrong code' }, type: 'two_factor_failed' })
    return seeOther(settingsPage(portal, '?error=code'))
  }
  return change()
}

export const newRecoveryCodes: Handler = async ({ contact, form, portal, request }) =>
  withCode(portal, request, contact!, form, async () => {
    const codes = await replaceRecoveryCodes(portal, portal.payload, contact!.id)
    await recordEvent(portal, await eventRequest(portal, request, contact), { client: contact!.client, type: 'two_factor_recovery_codes_replaced' })
    return recoveryCodesPage(portal, request, codes, settingsPage(portal))
  })

export const turnOff: Handler = async ({ contact, form, portal, request }) => {
  const state = await twoFactorState(portal, portal, contact!.id)
  if (state?.required) return seeOther(settingsPage(portal, '?error=required'))
  return withCode(portal, request, contact!, form, async () => {
    await turnOffTwoFactor(portal, portal.payload, contact!.id)
    await recordEvent(portal, await eventRequest(portal, request, contact), { client: contact!.client, type: 'two_factor_disabled' })
    return seeOther(settingsPage(portal, '?saved=off'))
  })
}

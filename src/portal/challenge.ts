import { createHmac, timingSafeEqual } from 'node:crypto'

import type { Portal } from './context.js'

import { portalCookie, readCookie } from './session.js'

/**
 * Between the first factor (password, magic link, password reset) and the second, the browser holds
 * this: which contact passed the first, signed with Payload's secret, for ten minutes. It opens no
 * session and reads nothing; only the second step's page and form use it.
 */
export const CHALLENGE_COOKIE = 'invoice-portal-2fa'
const LIFETIME_SECONDS = 10 * 60

export type Challenge = { contactId: number | string; expires: number; next: string }

const sign = (portal: Pick<Portal, 'payload'>, body: string) => createHmac('sha256', `${portal.payload.secret}\u0000${CHALLENGE_COOKIE}`).update(body).digest('base64url')

export function challengeCookie(portal: Portal, challenge: Omit<Challenge, 'expires'>, secure: boolean): string {
  const body = Buffer.from(JSON.stringify({ ...challenge, expires: Date.now() + LIFETIME_SECONDS * 1000 })).toString('base64url')
  return portalCookie(portal, CHALLENGE_COOKIE, `${body}.${sign(portal, body)}`, LIFETIME_SECONDS, secure)
}

export const clearedChallengeCookie = (portal: Portal, secure: boolean) => portalCookie(portal, CHALLENGE_COOKIE, '', 0, secure)

/** The challenge in a cookie value, if it is ours, untouched and not expired. */
export function readChallenge(portal: Pick<Portal, 'payload'>, value: string | undefined): Challenge | null {
  const [body, mac] = (value ?? '').split('.')
  if (!body || !mac) return null
  const expected = Buffer.from(sign(portal, body))
  const given = Buffer.from(mac)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
  try {
    const challenge = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Challenge
    return challenge.expires > Date.now() ? challenge : null
  } catch {
    return null
  }
}

export const challengeOf = (portal: Portal, request: Request) => readChallenge(portal, readCookie(request.headers.get('cookie'), CHALLENGE_COOKIE))

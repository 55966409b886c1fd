import { executeAuthStrategies, getFieldsToSign, jwtSign, type TypedUser } from 'payload'
import { randomUUID } from 'node:crypto'

import type { Portal } from './context.js'

import { relationId } from '../access/index.js'

/**
 * The portal's own session: an HTTP-only, SameSite=Lax cookie scoped to the portal's path, holding a
 * Payload JWT of the contact. It never touches Payload's `payload-token` cookie, so a staff session in
 * /admin and a contact session in the portal live side by side in one browser.
 */
export const SESSION_COOKIE = 'invoice-portal-session'

export type Contact = TypedUser & {
  _sid?: string
  /** When this session was opened (its token's `iat`), in ms: sensitive actions want a recent one. */
  _signedInAt?: number
  client: unknown
  collection: string
  email: string
  id: number | string
  name?: string
  notifications?: Record<string, boolean | null>
  role?: 'billing' | 'viewer'
  twoFactor?: { enabled?: boolean | null; enabledAt?: null | string }
}

export function readCookie(header: null | string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return decodeURIComponent(value.join('='))
  }
  return undefined
}

/** A cookie of the portal: HTTP-only, SameSite=Lax, scoped to the portal's path, `Secure` behind HTTPS. */
export function portalCookie(portal: Pick<Portal, 'options'>, name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${name}=${encodeURIComponent(value)}`, `Path=${portal.options.portal.route}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ')
}

export function sessionCookie(portal: Portal, token: string, secure: boolean): string {
  return portalCookie(portal, SESSION_COOKIE, token, contactsAuth(portal).tokenExpiration, secure)
}

export function clearedSessionCookie(portal: Portal, secure: boolean): string {
  return portalCookie(portal, SESSION_COOKIE, '', 0, secure)
}

/** Whether the session was opened longer ago than `portal.reauthAfterMinutes`: time to ask again before a sensitive action. */
export function sessionIsOld(portal: Pick<Portal, 'options'>, contact: Contact, now = Date.now()): boolean {
  return now - (contact._signedInAt ?? 0) > portal.options.portal.reauthAfterMinutes * 60_000
}

/** The `iat` of a token Payload has verified already. */
function issuedAt(token: string): number | undefined {
  try {
    const { iat } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iat?: unknown }
    return typeof iat === 'number' ? iat * 1000 : undefined
  } catch {
    return undefined
  }
}

function contactsAuth(portal: Portal) {
  const auth = portal.payload.collections[portal.options.slugs.contacts].config.auth
  return { tokenExpiration: auth.tokenExpiration, useSessions: auth.useSessions }
}

/**
 * The signed-in contact, or null. Payload verifies the JWT and its session; the contact's client must
 * still have the portal enabled.
 */
export async function authenticate(portal: Portal, token: string | undefined): Promise<Contact | null> {
  if (!token) return null
  // Payload's auth strategies alone: `payload.auth` would also work out the contact's permissions on
  // every collection, which no portal request reads (its reads go through the access functions).
  const { user } = await executeAuthStrategies({ headers: new Headers({ Authorization: `JWT ${token}` }), payload: portal.payload })
  if (!user || user.collection !== portal.options.slugs.contacts) return null
  return { ...(user as Contact), _signedInAt: issuedAt(token) }
}

/** A client lets its contacts in only while its portal is enabled. */
export async function portalEnabledFor(portal: Portal, clientId: unknown): Promise<boolean> {
  const id = relationId(clientId)
  if (id === null) return false
  const client = await portal.payload.findByID({ collection: portal.options.slugs.clients, depth: 0, disableErrors: true, id })
  return Boolean(client && (client as { portalEnabled?: boolean }).portalEnabled !== false)
}

/**
 * Signs a contact in without a password (after a magic link): adds a Payload session to the contact,
 * as Payload's own login does, and signs a JWT for it.
 */
export async function startSession(portal: Portal, contactId: number | string): Promise<{ contact: Contact; token: string }> {
  const { payload } = portal
  const collection = payload.collections[portal.options.slugs.contacts].config
  const { tokenExpiration, useSessions } = contactsAuth(portal)
  const contact = (await payload.db.findOne({ collection: collection.slug, where: { id: { equals: contactId } } })) as Contact & {
    sessions?: Array<{ createdAt: Date | string; expiresAt: Date | string; id: string }>
    updatedAt?: null | string
  }
  if (!contact) throw new Error('Contact not found')
  let sid: string | undefined
  if (useSessions) {
    sid = randomUUID()
    const now = new Date()
    const live = (contact.sessions ?? []).filter((session) => new Date(session.expiresAt) > now)
    contact.sessions = [...live, { createdAt: now, expiresAt: new Date(now.getTime() + tokenExpiration * 1000), id: sid }]
    // Like Payload's own login: a new session is not an edit of the contact.
    contact.updatedAt = null
    await payload.db.updateOne({ collection: collection.slug, data: contact, id: contact.id, returning: false })
  }
  const { token } = await jwtSign({
    fieldsToSign: getFieldsToSign({ collectionConfig: collection, email: contact.email, sid, user: { ...contact, collection: collection.slug } as never }),
    secret: payload.secret,
    tokenExpiration,
  })
  return { contact: { ...contact, collection: collection.slug }, token }
}


import { createHash, randomBytes } from 'node:crypto'

import type { Portal } from './context.js'

import { relationId } from '../access/index.js'
import { consumeToken, lockRows } from '../db/postgres.js'
import { inTransaction } from '../db/transaction.js'

/** At most this many sign-in links per contact per link lifetime, so nobody can flood an inbox. */
const MAX_LINKS_PER_WINDOW = 5

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/**
 * Creates a magic sign-in link token for a contact and returns it (the plain token exists only in the
 * e-mail). Returns null when the contact has asked for too many links lately. A link the portal sends
 * on its own (a new invoice) passes `minutes` and is not counted against the contact's requests.
 */
export async function createMagicToken(
  portal: Portal,
  contactId: number | string,
  requestIp?: string,
  sentByPortal?: { minutes: number },
): Promise<null | string> {
  const { options, payload } = portal
  const minutes = sentByPortal?.minutes ?? options.portal.magicLinkMinutes
  // Counting and creating under a lock on the contact's row: requests at the same moment (the sign-in
  // form answers before the e-mail goes out) take turns, so none of them sees a stale count.
  return inTransaction(payload, async (req) => {
    await lockRows(req, options.slugs.contacts, [contactId])
    const windowStart = new Date(Date.now() - options.portal.magicLinkMinutes * 60_000).toISOString()
    const recent = sentByPortal
      ? { totalDocs: 0 }
      : await payload.count({
          collection: options.slugs.portalTokens,
          req,
          where: { contact: { equals: contactId }, createdAt: { greater_than: windowStart }, purpose: { equals: 'magic_link' } },
        })
    const token = recent.totalDocs >= MAX_LINKS_PER_WINDOW ? null : randomBytes(32).toString('base64url')
    if (token) {
      await payload.create({
        collection: options.slugs.portalTokens,
        data: {
          contact: contactId,
          expiresAt: new Date(Date.now() + minutes * 60_000).toISOString(),
          purpose: sentByPortal ? 'notification_link' : 'magic_link',
          requestIp,
          tokenHash: hashToken(token),
        },
        req,
      })
    }
    return token
  })
}

/** The contact a token would sign in, without spending it (for the confirmation page), or null. */
export async function peekMagicToken(portal: Portal, token: string): Promise<null | { contactId: number | string }> {
  const { docs } = await portal.payload.find({
    collection: portal.options.slugs.portalTokens,
    depth: 0,
    limit: 1,
    where: { expiresAt: { greater_than: new Date().toISOString() }, tokenHash: { equals: hashToken(token) }, usedAt: { exists: false } },
  })
  const contactId = relationId(docs[0]?.contact)
  return contactId === null ? null : { contactId }
}

/** Spends a token; the contact id when it was valid and unused, else null. */
export function consumeMagicToken(portal: Portal, token: string): Promise<null | number | string> {
  if (!/^[\w-]{20,100}$/.test(token)) return Promise.resolve(null)
  return consumeToken({ payload: portal.payload }, portal.options.slugs.portalTokens, hashToken(token))
}

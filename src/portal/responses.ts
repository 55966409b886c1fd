import { createLocalReq, type PayloadRequest } from 'payload'

import type { Portal } from './context.js'
import type { Contact } from './session.js'

import { translator } from './i18n.js'

/** What the portal's route handlers answer with, and the request their audit writes run under. */
export function seeOther(location: string, cookies?: string | string[]): Response {
  const headers = new Headers({ Location: location })
  for (const cookie of [cookies ?? []].flat()) headers.append('Set-Cookie', cookie)
  return new Response(null, { headers, status: 303 })
}

/** One 404 for "no such record" and "not yours", so an answer never tells which. */
export const notFound = () => new Response(translator('en')('notFound.title'), { headers: { 'Content-Type': 'text/plain; charset=utf-8' }, status: 404 })

/** A Payload request carrying the browser's headers (IP, user agent) and the contact, for `recordEvent`. */
export async function eventRequest(portal: Portal, request: Request, user: Contact | null): Promise<PayloadRequest> {
  return createLocalReq({ req: { headers: request.headers }, user: (user ?? undefined) as never }, portal.payload)
}

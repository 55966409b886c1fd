import type { SanitizedConfig } from 'payload'

import { loadPortal } from '../../src/portal/context.js'
import { createPortalRouteHandlers } from '../../src/portal/handlers.js'
import { afterResponseSettled } from '../../src/portal/afterResponse.js'
import { SESSION_COOKIE } from '../../src/portal/session.js'
import { startTestApp } from './payload.js'
import { startSmtpSink } from './smtp.js'

export type PortalResponse = {
  /** The body as text (empty for redirects). */
  body: string
  bytes: Uint8Array
  /** The `Cookie` header a browser would send back after this response, if it set the session. */
  cookie?: string
  headers: Headers
  /** The Location of a redirect, as sent. */
  location: null | string
  /** The session cookie's JWT, when the response set a non-empty session cookie. */
  session?: string
  setCookies: string[]
  status: number
}

/** The value of `name` in a `Set-Cookie` header, or undefined when the header is about another cookie. */
export function cookieValue(setCookie: string, name = SESSION_COOKIE): string | undefined {
  const [pair] = setCookie.split(';')
  const index = pair.indexOf('=')
  return pair.slice(0, index).trim() === name ? decodeURIComponent(pair.slice(index + 1)) : undefined
}

/**
 * Calls the portal's real route handlers in-process, as a browser's plain HTML form posts and
 * downloads would reach them (`/portal/api/<action>`), and reads the redirects and cookies back.
 */
export function portalClient(config: Promise<SanitizedConfig> | SanitizedConfig, origin = 'http://localhost') {
  const { GET, POST } = createPortalRouteHandlers(config)
  const read = async (response: Response): Promise<PortalResponse> => {
    const bytes = new Uint8Array(await response.arrayBuffer())
    // The audit write follows the response; a test reads the log next, as a person's next click would.
    await afterResponseSettled()
    const setCookies = response.headers.getSetCookie()
    const session = setCookies.map((header) => cookieValue(header)).find((value) => value)
    return {
      body: new TextDecoder().decode(bytes),
      bytes,
      cookie: session ? `${SESSION_COOKIE}=${encodeURIComponent(session)}` : undefined,
      headers: response.headers,
      location: response.headers.get('location'),
      session,
      setCookies,
      status: response.status,
    }
  }
  const post = async (action: string, fields: Record<string, string> | URLSearchParams = {}, options: { cookie?: string; headers?: Record<string, string> } = {}) =>
    read(
      await POST(
        new Request(`${origin}/portal/api/${action}`, {
          body: new URLSearchParams(fields),
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            ...(options.cookie ? { cookie: options.cookie } : {}),
            ...options.headers,
          },
          method: 'POST',
        }),
      ),
    )
  const get = async (path: string, options: { cookie?: string } = {}) =>
    read(await GET(new Request(`${origin}/portal/api/${path}`, { headers: options.cookie ? { cookie: options.cookie } : {} })))
  /** Signs in with a password and returns the session cookie to send back; throws when sign-in fails. */
  const signIn = async (email: string, password: string) => {
    const response = await post('login', { email, password })
    if (!response.cookie) throw new Error(`portal sign-in of ${email} failed: ${response.status} ${response.location}`)
    return response
  }
  return { get, post, signIn }
}

/** The first portal link of `kind` (`magic`, `reset-password`) in an e-mail, and its token. */
export function linkIn(mail: { html: string; text: string }, kind: 'magic' | 'reset-password'): { token: string; url: URL } {
  const match = new RegExp(`https?://[^\\s"<>]+/portal/${kind}/([^\\s"<>?&]+)[^\\s"<>]*`).exec(`${mail.text}\n${mail.html}`)
  if (!match) throw new Error(`no /portal/${kind}/ link in the e-mail:\n${mail.text || mail.html}`)
  const url = new URL(match[0].replace(/&amp;/g, '&'))
  return { token: decodeURIComponent(match[1]), url }
}

/** The dev app on a fresh database with an SMTP sink, its portal, and the portal's form client. */
export async function startPortalTestApp() {
  const smtp = await startSmtpSink()
  const app = await startTestApp({ smtpUrl: smtp.url })
  return { app, http: portalClient(app.config), payload: app.payload, portal: await loadPortal(app.config), smtp }
}

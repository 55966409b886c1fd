import { GRAPHQL_POST } from '@payloadcms/next/routes'
import { handleEndpoints, type SanitizedConfig } from 'payload'

type Body = Record<string, unknown>

/**
 * Calls the host's real REST and GraphQL handlers in-process, with a JWT like an API client sends,
 * so access is tested through the same code paths as over HTTP.
 */
export function httpClient(config: Promise<SanitizedConfig>) {
  const headers = (token?: string, json = false) => {
    const result = new Headers()
    if (token) result.set('Authorization', `JWT ${token}`)
    if (json) result.set('Content-Type', 'application/json')
    return result
  }
  const rest = async (method: string, path: string, options: { body?: Body; token?: string } = {}) => {
    const response = await handleEndpoints({
      config,
      request: new Request(`http://localhost${path}`, {
        body: options.body ? JSON.stringify(options.body) : undefined,
        headers: headers(options.token, Boolean(options.body)),
        method,
      }),
    })
    const text = await response.text()
    let json: unknown = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = text
    }
    return { body: json as Record<string, any>, status: response.status, text }
  }
  const graphql = async (query: string, token?: string) => {
    const response = await GRAPHQL_POST(config)(
      new Request('http://localhost/api/graphql', {
        body: JSON.stringify({ query }),
        headers: headers(token, true),
        method: 'POST',
      }),
    )
    return { body: (await response.json()) as { data?: Record<string, any>; errors?: Array<{ message: string }> }, status: response.status }
  }
  const login = async (collection: string, email: string, password: string) => {
    const response = await rest('POST', `/api/${collection}/login`, { body: { email, password } })
    if (response.status !== 200) throw new Error(`login ${email} failed: ${response.text}`)
    return response.body.token as string
  }
  return { graphql, login, rest }
}

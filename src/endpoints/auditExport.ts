import type { Endpoint, PayloadRequest, Where } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { problem } from './responses.js'

/** The columns of the export, in order: the event's own fields, the relations as ids. */
const columns = ['id', 'createdAt', 'type', 'client', 'contact', 'invoice', 'actor', 'ip', 'userAgent', 'details'] as const

/** Rows read per query: bounded memory whatever the export's size. */
const PAGE = 1000

/**
 * A CSV cell. Quoted when it holds a quote, comma or line break; a cell that a spreadsheet would run
 * as a formula (=, +, -, @, tab, carriage return first) is written as text with a leading quote, since
 * an audit log holds what strangers typed (an e-mail address at sign-in, a user agent).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

const relations = new Set<string>(['client', 'contact', 'invoice'])
const relation = (value: unknown) => (value && typeof value === 'object' && 'id' in value ? (value as { id: unknown }).id : value)

/**
 * `GET /api/invoice-portal/audit-export.csv`: the audit log (`portal-events`) as CSV, for staff, with
 * the admin list's own filter (`?where[…]`, as Payload's REST API takes it: by client, contact,
 * invoice, type, date). Newest first, streamed a page at a time by id, so an export of millions of
 * events neither waits for nor holds all of them.
 */
export function createAuditExportEndpoint(ctx: PluginContext): Endpoint {
  return {
    handler: async (req: PayloadRequest) => {
      if (!ctx.access.isStaff(req)) return problem(req.user ? 403 : 401, 'Only staff can export the audit log.')
      const filter = req.query?.where as undefined | Where
      if (filter !== undefined && (typeof filter !== 'object' || filter === null || Array.isArray(filter))) return problem(400, 'where must be a filter, as the REST API takes it.')
      const slug = ctx.options.slugs.portalEvents
      const readPage = async (before: null | number | string) => {
        const bounded: Where[] = [...(filter ? [filter] : []), ...(before === null ? [] : [{ id: { less_than: before } }])]
        return (await req.payload.find({ collection: slug, depth: 0, limit: PAGE, overrideAccess: false, pagination: false, req, sort: '-id', user: req.user, where: bounded.length ? { and: bounded } : {} })).docs
      }
      // The first page is read before answering, so a filter Payload refuses is a 400, not a broken download.
      let first: Awaited<ReturnType<typeof readPage>>
      try {
        first = await readPage(null)
      } catch (error) {
        const status = (error as { status?: number }).status
        if (status && status >= 400 && status < 500) return problem(400, `The filter is not valid: ${(error as Error).message}`)
        throw error
      }
      const encoder = new TextEncoder()
      const line = (cells: readonly unknown[]) => encoder.encode(`${cells.map(csvCell).join(',')}\r\n`)
      let page = first
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (page.length === 0) return controller.close()
          for (const event of page) controller.enqueue(line(columns.map((column) => (relations.has(column) ? relation(event[column]) : event[column]))))
          page = page.length < PAGE ? [] : await readPage(page[page.length - 1].id)
        },
        start(controller) {
          controller.enqueue(line(columns))
        },
      })
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')
      return new Response(body, {
        headers: { 'Cache-Control': 'no-store', 'Content-Disposition': `attachment; filename="audit-log-${stamp}.csv"`, 'Content-Type': 'text/csv; charset=utf-8' },
      })
    },
    method: 'get',
    path: '/invoice-portal/audit-export.csv',
  }
}

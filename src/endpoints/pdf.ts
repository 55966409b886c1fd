import type { Endpoint, PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { recordEvent } from '../hooks/audit.js'
import { type DocumentPdfKind, documentPdf, documentPdfLoaders, pdfResponse, statementPdf } from '../pdf/index.js'
import { documentId } from '../portal/context.js'
import { isDay } from '../portal/filters.js'
import { problem } from './responses.js'


/**
 * Staff's PDFs, the same bytes a contact downloads: `GET /api/invoice-portal/pdf/<invoices|credit-notes|receipts>/<id>`
 * and `…/statements/<client id>?from=YYYY-MM-DD&to=YYYY-MM-DD&currency=EUR`. Opens in the browser
 * unless `?download` is given. Drafts render too, as a preview.
 */
export function createPdfEndpoint(ctx: PluginContext): Endpoint {
  return {
    handler: async (req: PayloadRequest) => {
      if (!ctx.access.isStaff(req)) {
        return problem(req.user ? 403 : 401, 'Only staff can download PDFs here; contacts download theirs in the portal.')
      }
      const portal = { ...ctx, payload: req.payload }
      const kind = String(req.routeParams?.kind)
      const id = documentId(portal, String(req.routeParams?.id))
      if (id === null) return problem(404, 'Not found')
      const params = new URL(req.url ?? 'http://localhost').searchParams
      let result
      if (kind === 'statements') {
        const from = params.get('from') ?? ''
        const to = params.get('to') ?? ''
        if (!isDay(from) || !isDay(to) || from > to) return problem(400, 'A statement needs from and to as YYYY-MM-DD dates, from not after to.')
        result = await statementPdf(portal, { client: id, currency: params.get('currency')?.toUpperCase() || undefined, from, to }, req.user!)
      } else if (kind in documentPdfLoaders) {
        result = await documentPdf(portal, kind as DocumentPdfKind, id, req.user!)
      } else {
        return problem(404, `Unknown PDF kind "${kind}"; use invoices, credit-notes, receipts or statements.`)
      }
      if (!result) return problem(404, 'Not found')
      await recordEvent(ctx, req, {
        client: result.loaded.client.id,
        details: { file: result.filename, kind: result.loaded.job.content.kind },
        invoice: kind === 'invoices' ? id : undefined,
        type: kind === 'statements' ? 'statement_downloaded' : 'pdf_downloaded',
      })
      return pdfResponse(result.filename, result.pdf, !params.has('download'))
    },
    method: 'get',
    path: '/invoice-portal/pdf/:kind/:id',
  }
}

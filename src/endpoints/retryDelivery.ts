import type { Endpoint, PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { inTransaction } from '../db/transaction.js'
import { queueDelivery } from '../outbound/deliveries.js'
import { documentId } from '../portal/context.js'
import { problem } from './responses.js'

/** `POST /api/invoice-portal/webhook-deliveries/<id>/retry` (the delivery log's "Retry" button). */
export function createRetryDeliveryEndpoint(ctx: PluginContext): Endpoint {
  return {
    handler: async (req: PayloadRequest) => {
      if (!ctx.access.isStaff(req)) return problem(req.user ? 403 : 401, 'Only staff can retry deliveries.')
      const portal = { ...ctx, payload: req.payload }
      const slug = ctx.options.slugs.webhookDeliveries
      const id = documentId(portal, String(req.routeParams?.id))
      const delivery = id === null ? null : await req.payload.findByID({ collection: slug, depth: 0, disableErrors: true, id, overrideAccess: true })
      if (!delivery) return problem(404, 'No such delivery.')
      if (delivery.status === 'delivered') return problem(409, `This event was delivered on ${String(delivery.deliveredAt).slice(0, 10)}; it is not sent again.`)
      await inTransaction(req.payload, async (tx) => {
        await req.payload.update({ collection: slug, data: { status: 'pending' }, depth: 0, id: delivery.id, overrideAccess: true, req: tx })
        await queueDelivery(portal, tx, delivery.id)
      })
      return Response.json({ message: `Retrying delivery to ${String(delivery.url)}.` }, { status: 202 })
    },
    method: 'post',
    path: '/invoice-portal/webhook-deliveries/:id/retry',
  }
}

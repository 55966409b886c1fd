import type { PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'

export type Reference = { externalId: null | string; id: null | number | string; number?: null | string }

/**
 * Related records as outbound events name them: our id and, when it came from the ERP, its external
 * id (invoices also their number). One query for all of them, in the order asked.
 */
export async function references(ctx: PluginContext, req: PayloadRequest, collection: 'clients' | 'invoices', relations: unknown[]): Promise<Reference[]> {
  const ids = relations.map((relation) => relationId(relation))
  const wanted = [...new Set(ids.filter((id) => id !== null))]
  const { docs } = wanted.length
    ? await req.payload.find({
        collection: ctx.options.slugs[collection],
        depth: 0,
        limit: wanted.length,
        overrideAccess: true,
        pagination: false,
        req,
        select: collection === 'invoices' ? { externalId: true, number: true } : { externalId: true },
        where: { id: { in: wanted } },
      })
    : { docs: [] }
  const byId = new Map(docs.map((doc) => [String(doc.id), doc as { externalId?: null | string; number?: null | string }]))
  return ids.map((id) => {
    const found = id === null ? undefined : byId.get(String(id))
    return { externalId: found?.externalId ?? null, id, ...(collection === 'invoices' ? { number: found?.number ?? null } : {}) }
  })
}

/** One related record, as `references` names it. */
export async function reference(ctx: PluginContext, req: PayloadRequest, collection: 'clients' | 'invoices', relation: unknown): Promise<Reference> {
  return (await references(ctx, req, collection, [relation]))[0]
}

import type { PayloadRequest, TypedUser, Where } from 'payload'

import { buildQuery } from '@payloadcms/drizzle'
import { sql } from '@payloadcms/db-postgres/drizzle'
import { createLocalReq, type Payload } from 'payload'

import { connection, table, tableNameOf } from './postgres.js'

/**
 * Sums of number fields over the documents `user` may read, grouped by one field. The Local API has
 * no aggregates, and adding up a client's thousands of open invoices in the app costs tens of
 * milliseconds; here the database adds them up. The filter is the collection's own read access
 * (the one rule of who sees what, src/access) ANDed with `where`, turned into SQL by Payload's own
 * query builder, so a contact's sums cover exactly the documents `find` would give it.
 */
export async function visibleSums<F extends string>(args: {
  collection: string
  fields: readonly F[]
  groupBy: string
  payload: Payload
  user: TypedUser
  where: Where
}): Promise<Array<{ group: string } & Record<F, number>>> {
  const { collection, fields, groupBy, payload, user, where } = args
  const config = payload.collections[collection]?.config
  if (!config) throw new Error(`payload-invoice-portal: no collection "${collection}"`)
  const req = (await createLocalReq({ user }, payload)) as PayloadRequest
  const access = config.access.read ? await config.access.read({ req }) : Boolean(user)
  if (access === false) return []
  const { adapter, db } = await connection(req)
  const built = buildQuery({
    adapter: adapter as never,
    fields: config.flattenedFields,
    tableName: tableNameOf(adapter, collection),
    where: access === true ? where : { and: [access, where] },
  })
  // The rules and filters this serves compare the collection's own columns; a join would mean a
  // relationship path, whose sums would count a document once per related row.
  if (built.joins.length > 0) throw new Error('payload-invoice-portal: visibleSums supports filters on the collection’s own fields only')
  const columns = table(adapter, collection)
  const selection = Object.fromEntries([['group', columns[groupBy]], ...fields.map((field) => [field, sql<string>`coalesce(sum(${columns[field]}), 0)`])])
  const rows: Array<Record<string, unknown>> = await db.select(selection).from(columns).where(built.where).groupBy(columns[groupBy]).orderBy(columns[groupBy])
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, key === 'group' ? String(value) : Number(value)]))) as Array<{ group: string } & Record<F, number>>
}

import type { FlattenedField, JsonObject, PayloadRequest, SanitizedCollectionConfig } from 'payload'

import { beforeChangeTraverseFields, beforeValidateTraverseFields, ValidationError } from 'payload'

import { rejectMalformedId } from '../hooks/malformedId.js'
import { connection, type DrizzleAdapter, insertRows, snakeCase, table, tableNameOf } from './postgres.js'
import { validateNewDocument } from './validateFields.js'

type Doc = JsonObject & { id: number | string }

/** Field types stored in a column of their document's own row (one value, no table of their own). A point is left out: it is PostGIS geometry, which `insertRows` can't carry. */
const columnTypes = new Set(['checkbox', 'code', 'date', 'email', 'json', 'number', 'radio', 'relationship', 'select', 'text', 'textarea', 'upload'])
/** How long preparing documents may hold the event loop before letting other work in. */
const YIELD_AFTER_MS = 5
/** Field types that store nothing. */
const dataless = new Set(['join', 'ui'])

const storedInRow = (field: FlattenedField) =>
  columnTypes.has(field.type) && !('hasMany' in field && field.hasMany) && !('relationTo' in field && Array.isArray(field.relationTo)) && !field.localized

/**
 * Whether `createMany` can write this collection's documents itself: a collection whose every field
 * is a column of its row, or an array of such fields, and that has no hooks that expect one create
 * operation of their own (operation and field afterChange hooks), versions, sign-in or uploads.
 */
const writable = new WeakMap<SanitizedCollectionConfig, boolean>()
function bulkWritable(adapter: DrizzleAdapter, collection: SanitizedCollectionConfig): boolean {
  let known = writable.get(collection)
  if (known === undefined) {
    const hooks = collection.hooks
    const fieldsFit = (fields: FlattenedField[], tableName: string, nested: boolean): boolean =>
      fields.every((field) => {
        if (dataless.has(field.type) || ('virtual' in field && field.virtual)) return true
        if ('hooks' in field && field.hooks?.afterChange?.length) return false
        if (field.type === 'array' && !nested && !field.localized) {
          const arrayTable = `${tableNameOf(adapter, collection.slug)}_${snakeCase(field.name)}`
          return !field.dbName && Boolean(adapter.tables[arrayTable]) && fieldsFit(field.flattenedFields, arrayTable, true)
        }
        return storedInRow(field) && field.name in (adapter.tables[tableName] ?? {})
      })
    known =
      !collection.versions &&
      !collection.auth &&
      !collection.upload &&
      // The id guard acts on reads, updates and deletes only: it leaves creating as it is.
      !hooks.beforeOperation?.some((hook) => hook !== rejectMalformedId) &&
      !hooks.afterOperation?.length &&
      fieldsFit(collection.flattenedFields, tableNameOf(adapter, collection.slug), false)
    writable.set(collection, known)
  }
  return known
}

/**
 * `payload.create` for many documents of one collection, in `req`'s transaction. Each document goes
 * through the collection's own pipeline as `payload.create` runs it (field hooks, defaults, the
 * beforeValidate and beforeChange hooks, validation), then all are inserted with one statement per
 * table, and the afterChange hooks run with each stored document. What `payload.create` spends on
 * writing one document at a time and reading it back, most of its cost, is paid once for all.
 * A document that fails its rules throws as `payload.create` would, and nothing is written. A
 * collection this can't write itself (see `bulkWritable`) gets `payload.create` per document.
 */
export async function createMany(req: PayloadRequest, slug: string, documents: JsonObject[]): Promise<Doc[]> {
  const { payload } = req
  const collection = payload.collections[slug]?.config
  if (!collection) throw new Error(`payload-invoice-portal: no collection "${slug}"`)
  const { adapter, db } = await connection(req)
  if (!bulkWritable(adapter, collection)) {
    const created: Doc[] = []
    for (const data of documents) created.push((await payload.create({ collection: slug, data, depth: 0, overrideAccess: true, req })) as Doc)
    return created
  }
  if (documents.length === 0) return []

  const prepared: JsonObject[] = []
  let since = performance.now()
  for (const document of documents) {
    prepared.push(await prepare(req, collection, structuredClone(document)))
    // Preparing needs no I/O, so a batch would hold the event loop until it is done: requests
    // arriving meanwhile (the pushes of the next batch) are let in every few milliseconds.
    if (performance.now() - since > YIELD_AFTER_MS) {
      await new Promise((resolve) => setImmediate(resolve))
      since = performance.now()
    }
  }

  const now = new Date().toISOString()
  const main = table(adapter, slug)
  const arrays = collection.flattenedFields.filter((field) => field.type === 'array')
  // Rows and documents are built by assignment: on Node 20's V8 an object literal that spreads and
  // adds keys takes microseconds each, and a batch builds thousands.
  const rowOf = (data: JsonObject, fields: FlattenedField[], extra: JsonObject) => {
    const row: JsonObject = {}
    for (const field of fields) if (storedInRow(field) && data[field.name] !== undefined) row[field.name] = data[field.name]
    return Object.assign(row, extra)
  }
  const ids = await insertRows(db, main, prepared.map((data) => rowOf(data, collection.flattenedFields, { createdAt: data.createdAt ?? now, updatedAt: data.updatedAt ?? now })))
  // As Payload reads a document back: a field never given is null, an array never given empty.
  const unset = Object.fromEntries(collection.flattenedFields.flatMap((field): Array<[string, unknown]> => (field.type === 'array' ? [[field.name, []]] : storedInRow(field) ? [[field.name, null]] : [])))
  const stored: Doc[] = prepared.map((data, index) => {
    const doc = Object.assign({}, unset) as Doc
    for (const key in data) if (data[key] !== undefined) doc[key] = data[key]
    return Object.assign(doc, { createdAt: data.createdAt ?? now, id: ids[index], updatedAt: data.updatedAt ?? now })
  })

  for (const field of arrays) {
    if (field.type !== 'array') continue
    const items = stored.flatMap((doc) =>
      ((doc[field.name] as JsonObject[] | null | undefined) ?? []).map((item, index) => rowOf(item, field.flattenedFields, { _order: index + 1, _parentID: doc.id, id: item.id })),
    )
    if (items.length > 0) await insertRows(db, adapter.tables[`${tableNameOf(adapter, slug)}_${snakeCase(field.name)}`], items)
  }

  for (const [index, doc] of stored.entries()) {
    let result: JsonObject = doc
    for (const hook of collection.hooks.afterChange ?? []) {
      result = (await hook({ collection, context: req.context, data: prepared[index], doc: result, operation: 'create', overrideAccess: true, previousDoc: {}, req })) || result
    }
  }
  return stored
}

/** The document as `payload.create` would store it: its collection's hooks, defaults and rules applied (validation: `validateNewDocument`). */
async function prepare(req: PayloadRequest, collection: SanitizedCollectionConfig, input: JsonObject): Promise<JsonObject> {
  const common = () => ({ collection, context: req.context, global: null, operation: 'create' as const, overrideAccess: true, parentIndexPath: '', parentIsLocalized: false, parentPath: '', parentSchemaPath: '', req })
  let data = input
  await beforeValidateTraverseFields(Object.assign(common(), { data, doc: {}, fields: collection.fields, siblingData: data, siblingDoc: {} }))
  for (const hook of collection.hooks.beforeValidate ?? []) data = (await hook({ collection, context: req.context, data, operation: 'create', originalDoc: undefined, req })) || data
  for (const hook of collection.hooks.beforeChange ?? []) data = (await hook({ collection, context: req.context, data, operation: 'create', originalDoc: undefined, req })) || data
  const errors: ConstructorParameters<typeof ValidationError>[0]['errors'] = []
  await beforeChangeTraverseFields(
    Object.assign(common(), {
      data,
      doc: {},
      docWithLocales: {},
      errors,
      fieldLabelPath: '',
      fields: collection.fields,
      mergeLocaleActions: [],
      siblingData: data,
      siblingDoc: {},
      siblingDocWithLocales: {},
      skipValidation: true,
    }),
  )
  errors.push(...(await validateNewDocument(req, collection, data)))
  if (errors.length > 0) throw new ValidationError({ collection: collection.slug, errors, req }, req.t)
  return data
}

import { type CollectionBeforeOperationHook, NotFound } from 'payload'

/**
 * An id that can't be one (`/api/invoices/abc` where ids are numbers) names nothing: a 404 like any
 * id of no record, where the database's refusal of it would answer 500. On every plugin collection.
 */
export const rejectMalformedId: CollectionBeforeOperationHook = ({ args, operation, req }) => {
  if (operation !== 'read' && operation !== 'update' && operation !== 'delete') return args
  const id = (args as { id?: unknown }).id
  if (id === undefined || id === null || req.payload.db.defaultIDType !== 'number') return args
  if (typeof id === 'number' ? Number.isSafeInteger(id) : /^\d{1,15}$/.test(String(id))) return args
  throw new NotFound(req.t)
}

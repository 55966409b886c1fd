import type { Field, JsonObject, PayloadRequest, SanitizedCollectionConfig } from 'payload'

import { fieldAffectsData, tabHasName, validations } from 'payload/shared'

export type FieldError = { label: string; message: string; path: string }

type Label = ((args: { i18n: PayloadRequest['i18n']; t: PayloadRequest['t'] }) => string) | false | Record<string, string> | string | undefined

/** A field's label in the request's language, as Payload names a field in a validation error. */
function labelText(label: Label, req: PayloadRequest): string {
  if (typeof label === 'function') return label({ i18n: req.i18n, t: req.t })
  if (label && typeof label === 'object') return label[req.i18n.language] ?? label[req.i18n.fallbackLanguage as string] ?? Object.values(label)[0] ?? ''
  return label || ''
}

type Validate = (value: unknown, options: Record<string, unknown>) => Promise<string | true> | string | true

/** Payload's own wrapper around a field type's default validator, as its config sanitiser writes it. */
const DEFAULT_WRAPPER = /^\(val, options\)\s*=>\s*defaultValidate\(val, \{\s*\.\.\.field,\s*\.\.\.options\s*\}\s*\)$/
/** What a validator is told besides the field's own config, which these override. */
const OPTION_KEYS = new Set(['blockData', 'collectionSlug', 'data', 'event', 'id', 'operation', 'overrideAccess', 'path', 'preferences', 'previousValue', 'req', 'siblingData'])
const validators = new WeakMap<Field, { config: Record<string, unknown>; validate: Validate }>()

/**
 * The field's validator, and its config without the keys the options override. Where the validator
 * is Payload's default one, the type's validator is called directly: the wrapper merges the field and
 * the options with `{ ...field, ...options }`, and an object literal with two spreads takes V8 11
 * (Node 20) about 20 µs, a slow path, where copying the properties one way takes well under one.
 * Sixty fields an invoice made that most of what validating it cost. The arguments are the same.
 */
export function validatorOf(field: Field & { validate: Validate }): Validate {
  return plan(field).validate
}

function plan(field: Field & { validate: Validate }) {
  let known = validators.get(field)
  if (!known) {
    const typeDefault = (validations as unknown as Record<string, Validate | undefined>)[field.type]
    known = {
      config: Object.fromEntries(Object.entries(field).filter(([key]) => !OPTION_KEYS.has(key))),
      validate: typeDefault && DEFAULT_WRAPPER.test(field.validate.toString()) ? typeDefault : field.validate,
    }
    validators.set(field, known)
  }
  return known
}

const fieldLabel = (field: Field, req: PayloadRequest) => labelText(('label' in field ? field.label : undefined) as Label, req)

const joinLabel = (parent: string, label: string) => {
  if (!label) return parent
  const capitalised = label.charAt(0).toUpperCase() + label.slice(1)
  return parent ? `${parent} > ${capitalised}` : capitalised
}

/**
 * Runs every field's validation of a new document, with the arguments, conditions, paths and error
 * labels of Payload's create (whose beforeChange traversal then runs with validation skipped).
 * Payload hands each validator its own deep merge of the stored document and the data, two per
 * field: for a new document both are the data, so here one copy serves every field. The answers are
 * the same; the copies were a third of what creating a document in bulk cost.
 */
export async function validateNewDocument(req: PayloadRequest, collection: SanitizedCollectionConfig, input: JsonObject): Promise<FieldError[]> {
  const data = structuredClone(input)
  const errors: FieldError[] = []
  const walk = async (fields: Field[], siblingData: JsonObject, parentPath: string, parentLabel: string): Promise<void> => {
    for (const field of fields) {
      if (field.type === 'ui') continue
      const named = fieldAffectsData(field)
      const path = named ? (parentPath ? `${parentPath}.${field.name}` : field.name) : parentPath
      const segments = path ? path.split('.') : []
      if (
        field.admin?.condition &&
        !field.admin.condition(data, siblingData, {
          blockData: undefined as never,
          operation: 'create',
          path: segments,
          user: req.user,
        })
      )
        continue
      if (named && 'validate' in field && field.validate) {
        const { config, validate } = plan(field as Field & { validate: Validate })
        const options = Object.assign(
          {
            blockData: undefined,
            collectionSlug: collection.slug,
            data,
            event: 'submit',
            id: undefined,
            operation: 'create',
            overrideAccess: true,
            path: segments,
            preferences: { fields: {} },
            previousValue: undefined,
            req,
            siblingData,
          },
          config,
        )
        const outcome = validate(siblingData[field.name], options)
        // Most validators answer at once; awaiting those too would cost a turn of the event loop each.
        const message = outcome instanceof Promise ? await outcome : outcome
        if (typeof message === 'string')
          errors.push({
            label: joinLabel(parentLabel, fieldLabel(field, req) || field.name),
            message,
            path,
          })
      }
      if (field.type === 'array') {
        const rows = siblingData[field.name]
        if (!Array.isArray(rows)) continue
        for (const [index, row] of rows.entries()) {
          await walk(field.fields, row as JsonObject, `${path}.${index}`, field.label === false ? parentLabel : joinLabel(parentLabel, `${fieldLabel(field, req) || field.name} ${index + 1}`))
        }
      } else if (field.type === 'row') {
        await walk(field.fields, siblingData, parentPath, parentLabel)
      } else if (field.type === 'collapsible' || (field.type === 'group' && !named)) {
        await walk(field.fields, siblingData, parentPath, field.label === false ? parentLabel : joinLabel(parentLabel, fieldLabel(field, req) || field.type))
      } else if (field.type === 'tabs') {
        // Named tabs and groups hold their fields in a table of their own: createMany never gets here with one.
        for (const tab of field.tabs)
          if (!tabHasName(tab)) await walk(tab.fields, siblingData, parentPath, tab.label === false ? parentLabel : joinLabel(parentLabel, labelText(tab.label as Label, req)))
      }
    }
  }
  await walk(collection.fields, data, '', '')
  return errors
}

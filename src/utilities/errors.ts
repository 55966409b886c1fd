import { ValidationError } from 'payload'

/**
 * A 400 that names the field, in Payload's own error shape (`errors[0].data.errors[].path`), so the
 * admin form highlights it and API clients can point at it.
 */
export function fieldError(collection: string, path: string, message: string): ValidationError {
  return new ValidationError({ collection, errors: [{ message, path }] })
}

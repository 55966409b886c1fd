import { ValidationError } from 'payload'

/**
 * A 400 that names the field, in Payload's own error shape (`errors[0].data.errors[].path`), so the
 * admin form highlights it and API clients can point at it. The top-level message carries the reason
 * as well, because that is the text the admin shows staff in its toast.
 */
export function fieldError(collection: string, path: string, message: string): ValidationError {
  const error = new ValidationError({ collection, errors: [{ message, path }] })
  error.message = `${message} (field: ${path})`
  return error
}

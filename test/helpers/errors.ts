import { expect } from 'vitest'

type FieldErrorBody = { errors?: Array<{ data?: { errors?: Array<{ message: string; path: string }> }; message: string }> }

/** Asserts a REST response is a 400 naming `path`, with a message matching `message`. */
export function expectFieldError(response: { body: unknown; status: number }, path: string, message?: RegExp) {
  expect(response.status, JSON.stringify(response.body)).toBe(400)
  const fieldErrors = (response.body as FieldErrorBody).errors?.[0]?.data?.errors ?? []
  const match = fieldErrors.find((error) => error.path === path)
  expect(match, `a field error for ${path} in ${JSON.stringify(fieldErrors)}`).toBeDefined()
  if (message) expect(match!.message).toMatch(message)
  // Payload's field validation names the field by its label; the plugin's rules add "(field: path)".
  const topLevel = (response.body as FieldErrorBody).errors?.[0]?.message ?? ''
  expect(topLevel.startsWith('The following field is invalid') || topLevel.endsWith(`(field: ${path})`), topLevel).toBe(true)
}

/** The same for a Local API call: it must reject with a ValidationError naming `path`. */
export async function expectLocalFieldError(work: Promise<unknown>, path: string, message?: RegExp) {
  let error: { data?: { errors?: Array<{ message: string; path: string }> }; status?: number } | undefined
  try {
    await work
  } catch (caught) {
    error = caught as typeof error
  }
  expect(error, 'the call should have been rejected').toBeDefined()
  expect(error!.status).toBe(400)
  const match = error!.data?.errors?.find((entry) => entry.path === path)
  expect(match, `a field error for ${path} in ${JSON.stringify(error!.data?.errors)}`).toBeDefined()
  if (message) expect(match!.message).toMatch(message)
}

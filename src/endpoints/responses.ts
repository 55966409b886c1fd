/** An error answer in Payload's own REST shape, so the admin and API clients show its message. */
export const problem = (status: number, message: string) => Response.json({ errors: [{ message }] }, { status })

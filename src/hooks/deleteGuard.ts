import type { CollectionBeforeDeleteHook } from 'payload'

import { fieldError } from '../utilities/errors.js'

/**
 * Records of account are corrected, never deleted: only documents in `deletable` statuses may go.
 * `what` names the document ("Invoice"), `advice` says what to do instead.
 */
export const allowDeleteOnlyWhen =
  (slug: string, what: string, deletable: readonly string[], advice: string): CollectionBeforeDeleteHook =>
  async ({ id, req }) => {
    const doc = (await req.payload.findByID({ collection: slug, depth: 0, id, req })) as unknown as { number?: null | string; status: string }
    if (!deletable.includes(doc.status)) {
      const label = (status: string) => status.replace(/_/g, ' ')
      throw fieldError(
        slug,
        'status',
        `${what} ${doc.number ?? `#${id}`} is ${label(doc.status)}: only ${deletable.map(label).join(', ')} ${what.toLowerCase()}s can be deleted. ${advice}`,
      )
    }
  }

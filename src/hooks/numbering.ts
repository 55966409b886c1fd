import type { PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { nextCounterValue } from '../db/postgres.js'
import { settingsSlug } from '../options.js'
import { expandDateTokens, formatDocumentNumber } from '../utilities/numberPattern.js'

/**
 * The next number for an invoice or credit note, from the pattern in the settings global (or the
 * plugin option until staff set one). Runs inside the document's transaction: see `nextCounterValue`.
 */
export async function nextDocumentNumber(
  ctx: PluginContext,
  req: PayloadRequest,
  kind: 'creditNote' | 'invoice',
  issueDate: Date,
): Promise<string> {
  const settings = (await req.payload.findGlobal({ slug: settingsSlug, depth: 0, req })) as {
    numbering?: { creditNotePattern?: null | string; invoicePattern?: null | string }
  }
  const configured = kind === 'invoice' ? settings.numbering?.invoicePattern : settings.numbering?.creditNotePattern
  const expanded = expandDateTokens(configured || ctx.options.numbering[kind], issueDate)
  const counter = await nextCounterValue(req, ctx.options.slugs.sequences, `${kind}:${expanded}`)
  return formatDocumentNumber(expanded, counter)
}

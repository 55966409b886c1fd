import type { PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { nextCounterValue } from '../db/postgres.js'
import { settingsSlug } from '../options.js'
import { expandDateTokens, formatDocumentNumber } from '../utilities/numberPattern.js'

type NumberingSettings = { numbering?: { creditNotePattern?: null | string; invoicePattern?: null | string } }
const settingsOf = new WeakMap<PayloadRequest, Promise<NumberingSettings>>()

/** The patterns, read once per request: one that issues hundreds of invoices (an ERP burst) needs one read. */
function numberingSettings(req: PayloadRequest): Promise<NumberingSettings> {
  let settings = settingsOf.get(req)
  if (!settings) {
    settings = req.payload.findGlobal({ slug: settingsSlug, depth: 0, req, select: { numbering: true } }) as Promise<NumberingSettings>
    settingsOf.set(req, settings)
  }
  return settings
}

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
  const settings = await numberingSettings(req)
  const configured = kind === 'invoice' ? settings.numbering?.invoicePattern : settings.numbering?.creditNotePattern
  const expanded = expandDateTokens(configured || ctx.options.numbering[kind], issueDate)
  const counter = await nextCounterValue(req, ctx.options.slugs.sequences, `${kind}:${expanded}`)
  return formatDocumentNumber(expanded, counter)
}

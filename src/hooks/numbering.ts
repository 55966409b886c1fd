import type { PayloadRequest } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { advanceCounters, giveBackCounterValues, nextCounterValue } from '../db/postgres.js'
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

type Kind = 'creditNote' | 'invoice'

/** The counter a document's number comes from: its kind and its pattern with the issue date filled in. */
async function counterOf(ctx: PluginContext, req: PayloadRequest, kind: Kind, issueDate: Date) {
  const settings = await numberingSettings(req)
  const configured = kind === 'invoice' ? settings.numbering?.invoicePattern : settings.numbering?.creditNotePattern
  const expanded = expandDateTokens(configured || ctx.options.numbering[kind], issueDate)
  return { expanded, key: `${kind}:${expanded}` }
}

/** Values a request took ahead of its documents, per counter: the next one to hand out and the last. */
const reserved = new WeakMap<PayloadRequest, Map<string, { last: number; next: number }>>()

/**
 * The next number for an invoice or credit note, from the pattern in the settings global (or the
 * plugin option until staff set one). Runs inside the document's transaction: see `advanceCounters`.
 * A value the request reserved (`reserveDocumentNumbers`) is handed out first.
 */
export async function nextDocumentNumber(ctx: PluginContext, req: PayloadRequest, kind: Kind, issueDate: Date): Promise<string> {
  const { expanded, key } = await counterOf(ctx, req, kind, issueDate)
  const reservation = reserved.get(req)?.get(key)
  let counter: number
  if (reservation) {
    counter = reservation.next
    reservation.next += 1
    if (reservation.next > reservation.last) reserved.get(req)!.delete(key)
  } else {
    counter = await nextCounterValue(req, ctx.options.slugs.sequences, key)
  }
  return formatDocumentNumber(expanded, counter)
}

/**
 * Reserves numbers for documents about to be issued in `req`'s transaction, one per issue date, with
 * one statement instead of one per document; `nextDocumentNumber` then hands them out in order.
 * Call the returned function before the transaction commits: it gives back the values no document
 * took (a document that turned out to need none), so the numbers stay without gaps.
 */
export async function reserveDocumentNumbers(ctx: PluginContext, req: PayloadRequest, kind: Kind, issueDates: readonly Date[]): Promise<() => Promise<void>> {
  const counts = new Map<string, number>()
  for (const date of issueDates) {
    const { key } = await counterOf(ctx, req, kind, date)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  if (counts.size === 0) return async () => {}
  const lasts = await advanceCounters(req, ctx.options.slugs.sequences, counts)
  const mine = reserved.get(req) ?? new Map<string, { last: number; next: number }>()
  reserved.set(req, mine)
  for (const [key, count] of counts) mine.set(key, { last: lasts.get(key)!, next: lasts.get(key)! - count + 1 })
  return async () => {
    for (const key of counts.keys()) {
      const left = mine.get(key)
      if (left) await giveBackCounterValues(req, ctx.options.slugs.sequences, key, left.last - left.next + 1)
      mine.delete(key)
    }
  }
}

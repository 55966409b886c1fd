import type { PayloadRequest, TaskConfig } from 'payload'

import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import type { PluginContext } from '../utilities/context.js'

import { relationId } from '../access/index.js'
import { authoriseZipSelection, writeInvoiceZip } from '../pdf/zip.js'

export const ZIP_TASK = 'invoicePortalZip'

/**
 * Builds a ZIP too large to stream while the contact waits, and shares it with the contact's client
 * as a document. The selection is checked again as the contact, so access withdrawn after queueing
 * is honoured.
 */
export function createZipTask(ctx: PluginContext): TaskConfig {
  const { options } = ctx
  return {
    slug: ZIP_TASK,
    handler: async ({ input: raw, req }: { input?: unknown; req: PayloadRequest }) => {
      const input = raw as { contact: number | string; ids: Array<number | string> }
      const portal = { ...ctx, payload: req.payload }
      const contact = await req.payload.findByID({ collection: options.slugs.contacts, depth: 0, id: input.contact, overrideAccess: true })
      const viewer = { ...contact, collection: options.slugs.contacts } as never
      const ids = await authoriseZipSelection(portal, input.ids, viewer)
      const directory = await mkdtemp(path.join(os.tmpdir(), 'invoice-portal-zip-'))
      const day = new Date().toISOString().slice(0, 10)
      const filePath = path.join(directory, `invoices-${day}-${ids.length}.zip`)
      try {
        await writeInvoiceZip(portal, ids, viewer, createWriteStream(filePath))
        const document = await req.payload.create({
          collection: options.slugs.documents,
          data: { client: relationId(contact.client), title: `Invoices (${ids.length}), ${day}`, visibleToClient: true },
          depth: 0,
          filePath,
          overrideAccess: true,
          req,
        })
        return { output: { document: document.id } }
      } finally {
        await rm(directory, { force: true, recursive: true })
      }
    },
    inputSchema: [
      { name: 'contact', type: 'text', required: true },
      { name: 'ids', type: 'json', required: true },
    ],
    outputSchema: [{ name: 'document', type: 'text' }],
    retries: 2,
  } as unknown as TaskConfig
}

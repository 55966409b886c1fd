import type { PayloadRequest, TaskConfig } from 'payload'

import type { PluginContext } from '../utilities/context.js'

import { processWebhookEvent, WEBHOOK_TASK } from '../payments/inbox.js'
import { sendPaymentReceipt } from '../payments/receipt.js'
import { reconcilePayments, RECONCILE_TASK } from '../payments/reconcile.js'
import { RECEIPT_TASK } from '../payments/sync.js'

import { INVOICE_ISSUED_TASK, sendInvoiceIssued } from '../notifications/invoiceIssued.js'
import { DELIVER_TASK, deliverWebhook } from '../outbound/deliveries.js'
import { OVERDUE_TASK, sweepOverdue } from '../outbound/overdue.js'
import { REMINDER_TASK, sweepReminders } from '../reminders/sweep.js'

type Handler = (portal: PluginContext & { payload: PayloadRequest['payload'] }, input: Record<string, string>) => Promise<Record<string, unknown>>

function task(ctx: PluginContext, slug: string, inputs: string[], handler: Handler, retries: TaskConfig['retries']): TaskConfig {
  return {
    slug,
    handler: async ({ input, req }: { input?: unknown; req: PayloadRequest }) => ({
      output: await handler({ ...ctx, payload: req.payload }, (input ?? {}) as Record<string, string>),
    }),
    inputSchema: inputs.map((name) => ({ name, type: 'text', required: true })),
    retries,
  } as unknown as TaskConfig
}

/**
 * The jobs behind webhooks and e-mail: applying inbox events (providers and the ERP), e-mailing
 * receipts and new invoices, delivering events to the ERP, and the reconciliation, overdue and reminder sweeps.
 */
export const createInboxAndMailTasks = (ctx: PluginContext): TaskConfig[] => [
  // Providers retry for hours too; a few quick retries here cover a provider API that blinked.
  task(ctx, WEBHOOK_TASK, ['event'], async (portal, input) => ({ result: JSON.stringify(await processWebhookEvent(portal, input.event)) }), 5),
  task(ctx, RECEIPT_TASK, ['payment'], async (portal, input) => ({ result: await sendPaymentReceipt(portal, input.payment) }), 5),
  task(ctx, RECONCILE_TASK, [], async (portal) => reconcilePayments(portal), 1),
  task(ctx, OVERDUE_TASK, [], async (portal) => sweepOverdue(portal), 1),
  task(ctx, REMINDER_TASK, [], async (portal) => sweepReminders(portal), 1),
  task(ctx, INVOICE_ISSUED_TASK, ['invoice'], async (portal, input) => ({ result: await sendInvoiceIssued(portal, input.invoice) }), 5),
  task(ctx, DELIVER_TASK, ['delivery'], async (portal, input) => ({ result: await deliverWebhook(portal, input.delivery) }), {
    attempts: ctx.options.erp.outboundRetry.attempts,
    backoff: { delay: ctx.options.erp.outboundRetry.delaySeconds * 1000, type: 'exponential' },
  }),
]

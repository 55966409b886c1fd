import { commitTransaction, createLocalReq, initTransaction, killTransaction, type Payload, type PayloadRequest } from 'payload'

const AFTER_COMMIT = 'invoicePortalAfterCommit'

/**
 * Runs `work` in a transaction of its own (or the one `req` already has) and commits it when `work`
 * returns; anything thrown rolls every write back. What `afterCommit` registered meanwhile runs once
 * the transaction that owns it has committed, and never when it rolled back.
 */
export async function inTransaction<T>(payload: Payload, work: (req: PayloadRequest) => Promise<T>, req?: PayloadRequest): Promise<T> {
  const request = req ?? (await createLocalReq({}, payload))
  const shouldCommit = await initTransaction(request)
  const pending: Array<() => void> = []
  if (shouldCommit) request.context = { ...request.context, [AFTER_COMMIT]: pending }
  try {
    const result = await work(request)
    if (shouldCommit) {
      await commitTransaction(request)
      for (const run of pending) run()
    }
    return result
  } catch (error) {
    if (shouldCommit) await killTransaction(request)
    throw error
  } finally {
    if (shouldCommit) delete request.context[AFTER_COMMIT]
  }
}

/**
 * Starts `work` once `req`'s transaction has committed, so what it reads is there: at once after
 * `inTransaction`'s commit; in a Payload request (the admin, REST) the work is meant for after the
 * response (`runSoon`), which Payload sends after committing. Work that still runs too early finds
 * nothing to do, and the queued job it stands in for does it.
 */
export function afterCommit(req: PayloadRequest, work: () => void): void {
  const pending = req.context?.[AFTER_COMMIT]
  if (Array.isArray(pending)) pending.push(work)
  else work()
}

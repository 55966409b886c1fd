import { commitTransaction, createLocalReq, initTransaction, killTransaction, type Payload, type PayloadRequest } from 'payload'

/**
 * Runs `work` in a transaction of its own (or the one `req` already has) and commits it when `work`
 * returns; anything thrown rolls every write back.
 */
export async function inTransaction<T>(payload: Payload, work: (req: PayloadRequest) => Promise<T>, req?: PayloadRequest): Promise<T> {
  const request = req ?? (await createLocalReq({}, payload))
  const shouldCommit = await initTransaction(request)
  try {
    const result = await work(request)
    if (shouldCommit) await commitTransaction(request)
    return result
  } catch (error) {
    if (shouldCommit) await killTransaction(request)
    throw error
  }
}

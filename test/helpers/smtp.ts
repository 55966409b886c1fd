import PostalMime from 'postal-mime'
import { SMTPServer } from 'smtp-server'

export type ReceivedAttachment = { content: Uint8Array; filename: null | string; mimeType: string }
export type ReceivedMail = { attachments: ReceivedAttachment[]; headers: Record<string, string>; html: string; subject: string; text: string; to: string[] }

/**
 * A real SMTP server in the test process: the app sends through nodemailer over TCP, and each message
 * is parsed back with postal-mime.
 */
export async function startSmtpSink() {
  const messages: ReceivedMail[] = []
  const waiters: Array<() => void> = []
  const server = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    // smtp-server's built-in STARTTLS certificate has expired, and nodemailer upgrades whenever it is
    // offered (then fails verifying it): plain SMTP on the loopback interface is what tests need.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', async () => {
        const parsed = await PostalMime.parse(Buffer.concat(chunks))
        messages.push({
          attachments: parsed.attachments.map((attachment) => ({
            content: typeof attachment.content === 'string' ? Buffer.from(attachment.content, 'base64') : new Uint8Array(attachment.content),
            filename: attachment.filename,
            mimeType: attachment.mimeType,
          })),
          headers: Object.fromEntries(parsed.headers.map((header) => [header.key, header.value])),
          html: parsed.html ?? '',
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          to: (parsed.to ?? []).map((address) => ('address' in address ? String(address.address) : '')),
        })
        waiters.splice(0).forEach((wake) => wake())
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as { port: number }).port
  return {
    messages,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    url: `smtp://127.0.0.1:${port}`,
    /** The next message to `to` (already received or arriving within the timeout). */
    async waitFor(to: string, timeoutMs = 10_000): Promise<ReceivedMail> {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = messages.find((message) => message.to.includes(to))
        if (found) {
          messages.splice(messages.indexOf(found), 1)
          return found
        }
        if (Date.now() > deadline) throw new Error(`no e-mail to ${to} within ${timeoutMs} ms`)
        await new Promise<void>((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 200)
        })
      }
    },
  }
}

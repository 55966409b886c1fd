import type { EmailAdapter } from 'payload'

import nodemailer from 'nodemailer'

/**
 * The host's e-mail: nodemailer to the SMTP server at SMTP_URL (smtp://user:pass@host:port).
 * Payload's own nodemailer adapter pins an older Payload, so the dev host carries these few lines.
 */
export function smtpEmailAdapter(url: string, from = { address: 'billing@example.test', name: 'Example Billing' }): EmailAdapter {
  return () => {
    const transport = nodemailer.createTransport(url)
    return {
      defaultFromAddress: from.address,
      defaultFromName: from.name,
      name: 'smtp',
      sendEmail: async (message) => transport.sendMail({ from: `"${from.name}" <${from.address}>`, ...message }),
    }
  }
}

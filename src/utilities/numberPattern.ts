/**
 * Document numbers from a pattern such as "INV-{YYYY}-{SEQ:5}". The counter key is the pattern with
 * its date tokens filled in, so a new year (or month) starts a new counter.
 */
const SEQ_TOKEN = /\{SEQ(?::(\d{1,2}))?\}/g

export function validateNumberPattern(pattern: unknown): string | null {
  if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > 64) {
    return 'must be a text of 1 to 64 characters'
  }
  const seqTokens = pattern.match(SEQ_TOKEN) ?? []
  if (seqTokens.length !== 1) return `must contain {SEQ} or {SEQ:n} exactly once, got ${JSON.stringify(pattern)}`
  const rest = pattern.replace(SEQ_TOKEN, '').replace(/\{(YYYY|YY|MM)\}/g, '')
  if (/[{}]/.test(rest)) return `has an unknown token; use {YYYY}, {YY}, {MM} and {SEQ:n}; got ${JSON.stringify(pattern)}`
  return null
}

/** The date-filled pattern: the counter's key, and the template for the number. */
export function expandDateTokens(pattern: string, date: Date): string {
  const year = String(date.getUTCFullYear())
  return pattern
    .replace(/\{YYYY\}/g, year)
    .replace(/\{YY\}/g, year.slice(-2))
    .replace(/\{MM\}/g, String(date.getUTCMonth() + 1).padStart(2, '0'))
}

export function formatDocumentNumber(expandedPattern: string, counter: number): string {
  return expandedPattern.replace(SEQ_TOKEN, (_token, width?: string) => String(counter).padStart(Number(width ?? 1), '0'))
}

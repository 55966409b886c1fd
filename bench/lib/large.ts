import { pbkdf2Sync } from 'node:crypto'

/** What the 1,000,000-invoice database is (bench/seed-large.ts) and what the benches that read it need to know. */

export const largeDatabase = () => process.env.BENCH_LARGE_DATABASE || 'invoice_portal_large'

export type LargeSeedParameters = { clients: number; invoices: number; seed: number }

export function largeSeedParameters(): LargeSeedParameters {
  const parameters = {
    clients: Number(process.env.BENCH_LARGE_CLIENTS || 10_000),
    invoices: Number(process.env.BENCH_LARGE_INVOICES || 1_000_000),
    seed: Number(process.env.BENCH_LARGE_SEED || 20261122),
  }
  for (const [name, value] of Object.entries(parameters)) if (!Number.isInteger(value) || value < 1) throw new Error(`BENCH_LARGE_${name.toUpperCase()} must be a positive integer`)
  if (parameters.clients < 212) throw new Error('BENCH_LARGE_CLIENTS must be at least 212 (the tiers of client sizes)')
  return parameters
}

/**
 * Clients 1, 2–11, 12–111 and 112–211 hold 1 %, 0.1 %, 0.01 % and 0.001 % of the invoices each
 * (10,000, 1,000, 100 and 10 of a million): the points of the latency-against-client-size plot.
 */
export type Tier = { clients: number; firstClient: number; lastClient: number; size: number }
export function tiersOf({ invoices }: LargeSeedParameters): Tier[] {
  const shape = [
    { clients: 1, share: 0.01 },
    { clients: 10, share: 0.001 },
    { clients: 100, share: 0.0001 },
    { clients: 100, share: 0.00001 },
  ]
  let next = 1
  return shape.map(({ clients, share }) => {
    const tier = { clients, firstClient: next, lastClient: next + clients - 1, size: Math.max(1, Math.round(invoices * share)) }
    next += clients
    return tier
  })
}

export type LargeSeedInfo = {
  counts: Record<string, number>
  database: string
  parameters: LargeSeedParameters
  rederived: number
  seededAt: string
  seconds: Record<string, number>
  sizes: Record<string, number>
  statuses: Record<string, number>
  tiers: Tier[]
}

/** Every client's billing contact: contact N belongs to client N and signs in with one password. */
export const seedContact = {
  email: (client: number) => `contact${client}@client${client}.test`,
  emailSql: (column: string) => `'contact' || ${column} || '@client' || ${column} || '.test'`,
  /** Payload 3.90's password hash (pbkdf2-sha256, 600,000 rounds), computed once for every contact. */
  hashAndSalt() {
    const salt = 'a5eed5a1a5eed5a1a5eed5a1a5eed5a1a5eed5a1a5eed5a1a5eed5a1a5eed5a1'
    return { hash: `pbkdf2-sha256-v1:${pbkdf2Sync(seedContact.password, salt, 600_000, 32, 'sha256').toString('hex')}`, salt }
  },
  password: 'large-seed-password-1',
}

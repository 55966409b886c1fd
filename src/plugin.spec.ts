import type { CollectionConfig, Config } from 'payload'

import { describe, expect, it } from 'vitest'

import { invoicePortalPlugin } from './plugin.js'

const hostConfig = (): Config =>
  ({
    admin: { user: 'users' },
    collections: [
      { slug: 'users', access: { read: () => true }, auth: true, fields: [] },
      { slug: 'posts', access: { read: () => true }, fields: [] },
      { slug: 'notes', fields: [] },
    ],
    globals: [{ slug: 'site', fields: [] }],
  }) as unknown as Config

const bySlug = (config: Config, slug: string) => config.collections!.find((collection) => collection.slug === slug)!
const args = (collection: string | null) => ({ req: { user: collection ? { collection, id: 1 } : null } }) as never

const relationTargets = (collection: CollectionConfig): string[] => {
  const walk = (fields: unknown[]): string[] =>
    fields.flatMap((field) => {
      const f = field as { fields?: unknown[]; relationTo?: string; type?: string }
      return [...(f.type === 'relationship' && f.relationTo ? [f.relationTo] : []), ...(f.fields ? walk(f.fields) : [])]
    })
  return walk(collection.fields)
}

describe('invoicePortalPlugin', () => {
  it('adds every collection and the settings global', () => {
    const config = invoicePortalPlugin()(hostConfig())
    expect(config.collections!.map((collection) => collection.slug).sort()).toEqual(
      ['users', 'posts', 'notes', 'clients', 'contacts', 'invoices', 'payments', 'credit-notes', 'documents', 'portal-events', 'invoice-portal-tokens', 'invoice-portal-pdf-cache', 'webhook-events', 'invoice-portal-sequences', 'invoice-portal-webhook-deliveries', 'invoice-portal-reminders', 'invoice-portal-throttles'].sort(),
    )
    expect(config.globals!.map((global) => global.slug)).toEqual(['site', 'invoice-portal-settings'])
  })

  it('disabled keeps the same collections and fields (a stable schema)', () => {
    const enabled = invoicePortalPlugin()(hostConfig())
    const disabled = invoicePortalPlugin({ disabled: true })(hostConfig())
    const shape = (config: Config) => JSON.stringify(config.collections!.map((collection) => [collection.slug, collection.fields.map((field) => ('name' in field ? field.name : field.type))]))
    expect(shape(disabled)).toBe(shape(enabled))
    // The jobs table is schema too: the tasks stay registered; only what runs (endpoints) goes.
    expect(disabled.jobs?.tasks?.map((task) => task.slug)).toEqual(enabled.jobs?.tasks?.map((task) => task.slug))
    expect(enabled.endpoints?.map((endpoint) => `${endpoint.method} ${endpoint.path}`)).toEqual([
      // Mounted without a secret in the options: staff may enter one in the settings (until then, 400).
      'post /invoice-portal/erp/webhook',
      'get /invoice-portal/pdf/:kind/:id',
      'post /invoice-portal/invoices/:id/send',
      'get /invoice-portal/invoices/:id/reminders',
      'post /invoice-portal/invoices/:id/reminders',
      'get /invoice-portal/unsubscribe',
      'post /invoice-portal/unsubscribe',
      'post /invoice-portal/webhook-deliveries/:id/retry',
      'get /invoice-portal/audit-export.csv',
    ])
    expect(disabled.endpoints ?? []).toEqual([])
  })

  it('renamed slugs carry every relationship with them', () => {
    const config = invoicePortalPlugin({
      collections: { clients: { slug: 'accounts' }, contacts: { slug: 'portal-users' }, invoices: { slug: 'bills' } },
    })(hostConfig())
    const targets = config.collections!.flatMap(relationTargets)
    expect(targets).not.toContain('clients')
    expect(targets).not.toContain('invoices')
    expect(targets).not.toContain('contacts')
    expect(targets).toEqual(expect.arrayContaining(['accounts', 'bills', 'portal-users']))
    expect(bySlug(config, 'bills')).toBeDefined()
  })

  it('an override receives the default collection and its result is used', () => {
    const config = invoicePortalPlugin({
      collections: {
        invoices: {
          override: ({ defaultCollection }) => ({
            ...defaultCollection,
            fields: [...defaultCollection.fields, { name: 'purchaseOrder', type: 'text' }],
          }),
        },
      },
    })(hostConfig())
    expect(bySlug(config, 'invoices').fields.some((field) => 'name' in field && field.name === 'purchaseOrder')).toBe(true)
  })

  it('an override may not change the slug', () => {
    expect(() =>
      invoicePortalPlugin({ collections: { invoices: { override: ({ defaultCollection }) => ({ ...defaultCollection, slug: 'x' }) } } })(hostConfig()),
    ).toThrow(/use collections\.invoices\.slug instead/)
  })

  it("closes the host's default-access collections and its admin users to contacts, keeping explicit host rules", async () => {
    const config = invoicePortalPlugin()(hostConfig())
    const read = (slug: string, who: string | null) => bySlug(config, slug).access!.read!(args(who))
    // notes had no access: Payload's default (any logged-in user), now minus contacts
    expect(await read('notes', 'users')).toBe(true)
    expect(await read('notes', 'contacts')).toBe(false)
    expect(await read('notes', null)).toBe(false)
    // posts are public by the host's choice: contacts keep that
    expect(await read('posts', 'contacts')).toBe(true)
    // the admin user collection is always closed to contacts, whatever the host wrote
    expect(await read('users', 'contacts')).toBe(false)
    expect(await read('users', 'users')).toBe(true)
    const site = config.globals![0].access!.read!(args('contacts'))
    expect(await site).toBe(false)
  })

  it('sets jobs access so a contact can never run, queue or cancel jobs', async () => {
    const config = invoicePortalPlugin()({ ...hostConfig(), jobs: { access: { run: () => true }, tasks: [] } })
    expect(await config.jobs!.access!.run!(args('contacts'))).toBe(false)
    expect(await config.jobs!.access!.run!(args(null))).toBe(true) // the host's own rule, for everyone else
    expect(await config.jobs!.access!.queue!(args('contacts'))).toBe(false)
    expect(await config.jobs!.access!.queue!(args('users'))).toBe(true)
    expect(await config.jobs!.access!.cancel!(args(null))).toBe(false)
  })

  it('fails at start-up on a wrong option, naming it', () => {
    expect(() => invoicePortalPlugin({ currency: 'euro' })(hostConfig())).toThrow(/option "currency"/)
  })
})

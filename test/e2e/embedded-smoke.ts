/**
 * Smoke test of the embedded database (run by run-embedded-smoke.ts inside dev/scripts/with-database.ts):
 * the dev app boots on PGlite, seeds its demo data, and a contact sees only its own client's issued invoices.
 */
import assert from 'node:assert/strict'
import { getPayload } from 'payload'

import { createDevConfig } from '../../dev/config.js'
import { demoLogins } from '../../dev/seed.js'
import { loadPortal } from '../../src/portal/context.js'
import { totpCode, totpStep } from '../../src/security/totp.js'
import { beginEnrolment, confirmEnrolment, pendingSecretOf, twoFactorState, verifySecondFactor } from '../../src/security/twoFactor.js'

const databaseUri = process.env.DATABASE_URI
if (!databaseUri) throw new Error('DATABASE_URI is not set: run this through dev/scripts/with-database.ts')

const payload = await getPayload({ config: createDevConfig({ databaseUri, seed: true }) })

const checks: Record<string, () => Promise<void>> = {
  'the demo invoices are seeded': async () => {
    const { totalDocs } = await payload.count({ collection: 'invoices' })
    assert.ok(totalDocs >= 10, `expected the demo invoices, found ${totalDocs}`)
  },
  "a contact sees exactly its client's non-draft invoices": async () => {
    const { user } = await payload.login({ collection: 'contacts', data: demoLogins.acmeBilling })
    assert.ok(user, 'alice can log in')
    const clientId = typeof user.client === 'object' ? user.client.id : user.client
    const seen = await payload.find({ collection: 'invoices', depth: 0, limit: 100, overrideAccess: false, user })
    const expected = await payload.find({
      collection: 'invoices',
      depth: 0,
      limit: 100,
      where: { and: [{ client: { equals: clientId } }, { status: { not_equals: 'draft' } }] },
    })
    assert.ok(expected.totalDocs > 0, 'the demo data has issued invoices for Acme')
    assert.deepEqual(seen.docs.map((doc) => doc.id).sort(), expected.docs.map((doc) => doc.id).sort())
  },
  // Sign-ins and reset requests are counted by the throttle on the request's own connection: on the
  // embedded database, which serves one transaction at a time, a second connection would wait forever.
  'a wrong password and a reset request are answered, not left waiting': async () => {
    const answered = <T>(work: Promise<T>) => Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 10 s')), 10_000))])
    await assert.rejects(answered(payload.login({ collection: 'contacts', data: { ...demoLogins.acmeBilling, password: 'not-the-password' } })), /incorrect/)
    await answered(payload.forgotPassword({ collection: 'contacts', data: { email: demoLogins.acmeBilling.email }, disableEmail: true }))
  },
  // Two-factor changes lock the contact's row in a transaction of their own; a sign-in checks the code inside its own.
  'two-factor sign-in is set up and checked without waiting on itself': async () => {
    const answered = <T>(work: Promise<T>) => Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 10 s')), 10_000))])
    const portal = await loadPortal(payload.config)
    const { docs } = await payload.find({ collection: 'contacts', limit: 1, where: { email: { equals: demoLogins.globexBilling.email } } })
    const id = docs[0].id
    await answered(beginEnrolment(portal, payload, id))
    const secret = pendingSecretOf(portal, payload, (await twoFactorState(portal, portal, id))!)!
    const codes = await answered(confirmEnrolment(portal, payload, id, totpCode(secret, totpStep())))
    assert.equal(codes?.length, 10)
    assert.deepEqual(await answered(verifySecondFactor(portal, payload, id, codes![0])), { method: 'recovery', recoveryCodesLeft: 9 })
    const state = await twoFactorState(portal, portal, id)
    assert.ok(state?.enrolled && state.contact.twoFactor?.secret?.startsWith('v1.'))
  },
}

let failed = 0
for (const [name, check] of Object.entries(checks)) {
  try {
    await check()
    console.log(`  ✓ ${name}`)
  } catch (error) {
    failed++
    console.error(`  ✘ ${name}\n`, error)
  }
}
await payload.destroy()
const passed = Object.keys(checks).length - failed
// One word, a colon and the counts: the summary line CI reads.
console.log(`embedded-smoke: ${passed} passed, ${failed} failed`)
// payload.destroy() leaves handles open; exit explicitly with the result.
process.exit(failed ? 1 : 0)

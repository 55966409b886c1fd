import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'

import { signatureHeader, verifySignature } from './signature.js'

const body = '{"id":"evt_1","type":"invoice.upserted"}'
const now = 1_800_000_000

describe('ERP signature', () => {
  it('is HMAC-SHA256 over "{timestamp}.{raw body}" in the documented header format', () => {
    const expected = createHmac('sha256', 'secret-one-0123456').update(`${now}.${body}`).digest('hex')
    expect(signatureHeader('secret-one-0123456', body, now)).toBe(`t=${now},v1=${expected}`)
  })

  it('accepts any active secret (rotation) and any of several v1 values', () => {
    const header = signatureHeader('old-secret-0123456', body, now)
    expect(verifySignature(header, body, ['new-secret-0123456', 'old-secret-0123456'], now)).toEqual({ ok: true })
    const both = `${header},v1=${signatureHeader('new-secret-0123456', body, now).split('v1=')[1]}`
    expect(verifySignature(both, body, ['new-secret-0123456'], now)).toEqual({ ok: true })
  })

  it('refuses a changed body, another secret, a timestamp outside 300 s either way, and malformed headers', () => {
    const header = signatureHeader('secret-one-0123456', body, now)
    expect(verifySignature(header, `${body} `, ['secret-one-0123456'], now)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match/) })
    expect(verifySignature(header, body, ['secret-two-0123456'], now)).toMatchObject({ ok: false })
    expect(verifySignature(header, body, ['secret-one-0123456'], now + 300)).toEqual({ ok: true })
    expect(verifySignature(header, body, ['secret-one-0123456'], now + 301)).toMatchObject({ ok: false, reason: expect.stringMatching(/300 seconds/) })
    expect(verifySignature(header, body, ['secret-one-0123456'], now - 301)).toMatchObject({ ok: false, reason: expect.stringMatching(/300 seconds/) })
    for (const bad of [undefined, '', `t=${now}`, `v1=${'a'.repeat(64)}`, `t=${now},t=${now},v1=${'a'.repeat(64)}`, `t=abc,v1=${'a'.repeat(64)}`, `t=${now},v1=xyz`]) {
      expect(verifySignature(bad, body, ['secret-one-0123456'], now).ok).toBe(false)
    }
    // The timestamp is signed: moving it breaks the signature.
    const moved = header.replace(`t=${now}`, `t=${now + 10}`)
    expect(verifySignature(moved, body, ['secret-one-0123456'], now)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match/) })
  })
})

import { describe, expect, it } from 'vitest'

import { base32Decode, base32Encode, hashRecoveryCode, matchTotp, newRecoveryCodes, newTotpSecret, otpauthUri, totpCode, totpStep } from './totp.js'

// RFC 6238 appendix B: the SHA-1 seed is the ASCII "12345678901234567890".
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890'))

describe('TOTP (RFC 6238)', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches the RFC test vector at %i s', (seconds, expected) => {
    expect(totpCode(RFC_SECRET, totpStep(seconds * 1000), 8)).toBe(expected)
    expect(totpCode(RFC_SECRET, totpStep(seconds * 1000))).toBe(expected.slice(2))
  })

  it('round-trips base32 and makes 160-bit secrets', () => {
    const secret = newTotpSecret()
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(base32Decode(secret)).toHaveLength(20)
    expect(base32Encode(base32Decode(secret))).toBe(secret)
    expect(base32Decode('jbsw y3dp-ehpk 3pxp')).toEqual(base32Decode('JBSWY3DPEHPK3PXP'))
    expect(() => base32Decode('not*base32')).toThrow()
  })

  it('accepts the step before and after now, refuses older ones and any code used already', () => {
    const secret = newTotpSecret()
    const now = 1_800_000_000_000
    const step = totpStep(now)
    expect(matchTotp(secret, totpCode(secret, step), null, now)).toBe(step)
    expect(matchTotp(secret, totpCode(secret, step - 1), null, now)).toBe(step - 1)
    expect(matchTotp(secret, totpCode(secret, step + 1), null, now)).toBe(step + 1)
    expect(matchTotp(secret, totpCode(secret, step - 2), null, now)).toBeNull()
    expect(matchTotp(secret, totpCode(secret, step), step, now)).toBeNull()
    expect(matchTotp(secret, totpCode(secret, step + 1), step, now)).toBe(step + 1)
    expect(matchTotp(secret, ` ${totpCode(secret, step).slice(0, 3)} ${totpCode(secret, step).slice(3)} `, null, now)).toBe(step)
    expect(matchTotp(secret, '12345', null, now)).toBeNull()
    expect(matchTotp(secret, 'abcdef', null, now)).toBeNull()
  })

  it('builds the otpauth URI authenticator apps scan', () => {
    const uri = new URL(otpauthUri({ account: 'ana@example.com', issuer: 'Example Billing', secret: 'JBSWY3DPEHPK3PXP' }))
    expect(uri.protocol).toBe('otpauth:')
    expect(uri.host).toBe('totp')
    expect(decodeURIComponent(uri.pathname)).toBe('/Example Billing:ana@example.com')
    expect(Object.fromEntries(uri.searchParams)).toEqual({ algorithm: 'SHA1', digits: '6', issuer: 'Example Billing', period: '30', secret: 'JBSWY3DPEHPK3PXP' })
  })

  it('makes ten distinct recovery codes whose hash ignores case and dashes', () => {
    const codes = newRecoveryCodes()
    expect(new Set(codes).size).toBe(10)
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/)
    expect(hashRecoveryCode(codes[0].toUpperCase().replace(/-/g, ' '))).toBe(hashRecoveryCode(codes[0]))
    expect(hashRecoveryCode(codes[0])).not.toBe(hashRecoveryCode(codes[1]))
  })
})

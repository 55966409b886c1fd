import { describe, expect, it } from 'vitest'

import { type ProviderPaymentState, statusFromState } from './types.js'

const state = (lifecycle: ProviderPaymentState['lifecycle'], amountRefunded = 0, amountChargedBack = 0): ProviderPaymentState => ({ amountChargedBack, amountRefunded, lifecycle })

describe('statusFromState', () => {
  it.each(['pending', 'processing', 'failed', 'canceled'] as const)('money that has not arrived keeps its lifecycle (%s), whatever the refund figures say', (lifecycle) => {
    expect(statusFromState(state(lifecycle, 500, 500), 1000)).toBe(lifecycle)
  })

  it.each([
    [0, 0, 'succeeded'],
    [1, 0, 'partially_refunded'],
    [999, 0, 'partially_refunded'],
    [1000, 0, 'refunded'],
    [0, 1000, 'disputed'],
    [200, 800, 'disputed'],
  ] as const)('arrived money refunded %i and charged back %i is %s', (refunded, chargedBack, status) => {
    expect(statusFromState(state('succeeded', refunded, chargedBack), 1000)).toBe(status)
  })
})

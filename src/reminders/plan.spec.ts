import { describe, expect, it } from 'vitest'

import { decide, reminderPlan, type Situation } from './plan.js'

const plan = reminderPlan([{ days: 7 }, { days: -3 }, { days: 1 }, { days: 14 }], '2026-12-10', 'Europe/Amsterdam', 9)
const at = (iso: string): Situation => ({ done: new Set(), issueDay: '2026-11-20', lastContactAt: null, minimumGapDays: 2, now: new Date(iso), paused: false, paymentInProgress: false, timezone: 'Europe/Amsterdam' })
const keys = (decision: ReturnType<typeof decide>) => ({ next: decision.next?.toISOString() ?? null, send: decision.send?.key ?? null, skip: decision.skip.map(({ reason, step }) => `${step.key}:${reason}`) })

describe('reminder plan', () => {
  it('places the steps in order at the local hour of their day', () => {
    expect(plan.map((step) => [step.key, step.day, step.at.toISOString()])).toEqual([
      ['-3', '2026-12-07', '2026-12-07T08:00:00.000Z'],
      ['+1', '2026-12-11', '2026-12-11T08:00:00.000Z'],
      ['+7', '2026-12-17', '2026-12-17T08:00:00.000Z'],
      ['+14', '2026-12-24', '2026-12-24T08:00:00.000Z'],
    ])
  })

  it('sends nothing before the hour, the step at it, and says when the next falls due', () => {
    expect(keys(decide(plan, at('2026-12-07T07:59:00Z')))).toEqual({ next: '2026-12-07T08:00:00.000Z', send: null, skip: [] })
    expect(keys(decide(plan, at('2026-12-07T08:00:00Z')))).toEqual({ next: '2026-12-11T08:00:00.000Z', send: '-3', skip: [] })
    expect(keys(decide(plan, { ...at('2026-12-30T00:00:00Z'), done: new Set(['-3', '+1', '+7', '+14']) }))).toEqual({ next: null, send: null, skip: [] })
  })

  it('after days without a sweep sends only the latest due step; the earlier ones are skipped as superseded', () => {
    expect(keys(decide(plan, at('2026-12-18T10:00:00Z')))).toEqual({ next: '2026-12-24T08:00:00.000Z', send: '+7', skip: ['-3:superseded', '+1:superseded'] })
  })

  it('skips, and never sends later, a step while paused, while a payment is in progress, before the invoice was issued, or right after the client was e-mailed', () => {
    const now = '2026-12-11T09:00:00Z'
    expect(keys(decide(plan, { ...at(now), done: new Set(['-3']), paused: true })).skip).toEqual(['+1:paused'])
    expect(keys(decide(plan, { ...at(now), done: new Set(['-3']), paymentInProgress: true })).skip).toEqual(['+1:payment_in_progress'])
    expect(keys(decide(plan, { ...at('2026-12-07T09:00:00Z'), issueDay: '2026-12-08' })).skip).toEqual(['-3:before_issue'])
    // Sent by hand the evening before (local day 10 December): the next morning's step waits for its successor.
    expect(keys(decide(plan, { ...at(now), done: new Set(['-3']), lastContactAt: new Date('2026-12-10T20:00:00Z') }))).toEqual({ next: '2026-12-17T08:00:00.000Z', send: null, skip: ['+1:recently_sent'] })
    expect(keys(decide(plan, { ...at(now), done: new Set(['-3']), lastContactAt: new Date('2026-12-09T10:00:00Z') })).send).toBe('+1')
  })
})

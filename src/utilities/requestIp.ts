/**
 * The address a request came from: the first of `X-Forwarded-For`, which the balancer sets to the
 * client's address (README, "Deployment"), else `X-Real-IP`. One rule for the audit log and the throttle.
 */
export function requestIp(headers: Headers | null | undefined): string | undefined {
  return headers?.get('x-forwarded-for')?.split(',')[0]?.trim() || headers?.get('x-real-ip')?.trim() || undefined
}

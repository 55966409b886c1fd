import type { PortalAccess } from '../access/index.js'
import type { SanitizedOptions } from '../options.js'
import type { RotationCounts } from '../security/rotation.js'

/** What every collection factory and hook needs: the sanitized options and the access rules. */
export type PluginContext = {
  access: PortalAccess
  options: SanitizedOptions
}

/** Flags passed through Payload's hook `context`, namespaced so no other plugin's flag collides. */
export const CONTEXT_KEY = 'invoicePortal'

export type HookFlags = {
  /**
   * A provider reports money that has arrived: allocate what the invoices still take and keep the rest
   * on the payment as client credit, instead of refusing the payment (the money is real).
   */
  moneyArrived?: boolean
  /** Rotation: reseal the settings' stored secrets under the current key, counting into this object. */
  resealSecrets?: RotationCounts
  /** The write is the plugin recomputing an invoice from its payments and credit notes. */
  settlement?: boolean
  /** The request was counted by the throttle already (the portal counts before it answers). */
  throttleCounted?: boolean
  /**
   * A portal sign-in whose second factor, if the contact needs one, the portal asks for on a page of
   * its own: the password (or reset) goes through, and the portal ends the session it opened.
   */
  twoFactorDeferred?: boolean
  /** A login that only checks a password (changing it): not a sign-in, so not audited as one. */
  verifyPassword?: boolean
}

export function hookFlags(context: Record<string, unknown> | undefined): HookFlags {
  return ((context?.[CONTEXT_KEY] as HookFlags | undefined) ?? {})
}

export function withFlags(context: Record<string, unknown> | undefined, flags: HookFlags): Record<string, unknown> {
  return { ...context, [CONTEXT_KEY]: { ...hookFlags(context), ...flags } }
}

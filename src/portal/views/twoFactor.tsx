import QRCode from 'qrcode'
import React from 'react'

import type { Translate } from '../i18n.js'
import type { PublicView } from './auth.js'
import type { PortalView } from './types.js'

import { otpauthUri } from '../../security/totp.js'
import { pendingSecretOf, type TwoFactorState, twoFactorState } from '../../security/twoFactor.js'
import { day } from '../format.js'
import { brandName } from '../settings.js'
import { Notice } from './shell.js'
import { param } from './types.js'

/** The code field of every two-factor form: six digits from the app, or a recovery code. */
function CodeField({ label, t }: { label?: string; t: Translate }) {
  return (
    <label>
      {label ?? t('twoFactor.code')}
      <input autoComplete="one-time-code" inputMode="text" maxLength={20} name="code" pattern="[0-9 ]{6,7}|[A-Za-z0-9 -]{12,16}" required spellCheck={false} type="text" />
    </label>
  )
}

/** The app's new secret as a QR code (an image with a text alternative) and as text to type in. */
async function SetUpApp({ action, state, t, view }: { action: string; state: TwoFactorState; t: Translate; view: Pick<PortalView, 'portal'> }) {
  const { portal } = view
  const secret = pendingSecretOf(portal, portal.payload, state)
  if (!secret) return null
  const issuer = portal.options.portal.twoFactorIssuer ?? ((await brandName(portal)) || 'Billing portal')
  const qr = await QRCode.toDataURL(otpauthUri({ account: state.contact.email, issuer: issuer.replace(/:/g, ' '), secret }), { errorCorrectionLevel: 'M', margin: 2, width: 220 })
  return (
    <>
      <p>{t('twoFactor.setupSteps')}</p>
      <img alt={t('twoFactor.qrAlt')} className="qr" height={220} src={qr} width={220} />
      <p>{t('twoFactor.manualKey')} <code className="secret" data-testid="two-factor-secret">{secret.replace(/(.{4})/g, '$1 ').trim()}</code></p>
      <form action={action} className="stack" method="post">
        <CodeField t={t} />
        <button type="submit">{t('twoFactor.confirm')}</button>
      </form>
    </>
  )
}

const codeErrors = { code: 'twoFactor.wrongCode', expired: 'twoFactor.expired', required: 'twoFactor.requiredByClient' } as const

/** The second step of signing in, for whoever the challenge cookie names (see challenge.ts). */
export async function VerifyView({ challenge, portal, query, route, t }: PublicView) {
  const state = challenge ? await twoFactorState(portal, portal, challenge.contactId) : null
  const error = param(query, 'error') as keyof typeof codeErrors
  if (!state) {
    return (
      <div className="auth">
        <h1>{t('twoFactor.verifyTitle')}</h1>
        <Notice kind="error">{t('twoFactor.expired')}</Notice>
        <p><a href={`${route}/login`}>{t('login.title')}</a></p>
      </div>
    )
  }
  return (
    <div className="auth">
      <h1>{t(state.enrolled ? 'twoFactor.verifyTitle' : 'twoFactor.setupTitle')}</h1>
      {codeErrors[error] ? <Notice kind="error">{t(codeErrors[error])}</Notice> : null}
      {state.enrolled ? (
        <>
          <p>{t('twoFactor.verifyIntro')}</p>
          <form action={`${route}/api/two-factor`} className="stack" method="post">
            <CodeField t={t} />
            <button type="submit">{t('twoFactor.verify')}</button>
          </form>
        </>
      ) : (
        <>
          <p>{t('twoFactor.requiredIntro', { name: await brandName(portal) })}</p>
          <SetUpApp action={`${route}/api/two-factor`} state={state} t={t} view={{ portal }} />
        </>
      )}
    </div>
  )
}

/** The contact's own two-factor settings: set up, new recovery codes, turn off. */
export async function TwoFactorView(view: PortalView) {
  const { locale, portal, query, route, t } = view
  const state = (await twoFactorState(portal, portal, view.contact.id))!
  const error = param(query, 'error') as keyof typeof codeErrors
  const saved = param(query, 'saved')
  const codesLeft = state.contact.twoFactor?.recoveryCodes?.length ?? 0
  return (
    <>
      <h1>{t('twoFactor.title')}</h1>
      {saved === 'on' ? <Notice kind="ok">{t('twoFactor.enabled')}</Notice> : null}
      {saved === 'off' ? <Notice kind="ok">{t('twoFactor.disabled')}</Notice> : null}
      {codeErrors[error] ? <Notice kind="error">{t(codeErrors[error])}</Notice> : null}
      {state.enrolled ? (
        <>
          <p>{t('twoFactor.on', { date: day(state.contact.twoFactor!.enabledAt!, locale) })} {t('twoFactor.recoveryLeft', { count: codesLeft })}</p>
          <h2 id="codes">{t('twoFactor.newCodes')}</h2>
          <form action={`${route}/api/two-factor-codes`} aria-labelledby="codes" className="stack" method="post">
            <CodeField label={t('twoFactor.codeToConfirm')} t={t} />
            <button type="submit">{t('twoFactor.newCodes')}</button>
          </form>
          <h2 id="off">{t('twoFactor.turnOff')}</h2>
          {state.required ? (
            <p>{t('twoFactor.requiredByClient')}</p>
          ) : (
            <form action={`${route}/api/two-factor-off`} aria-labelledby="off" className="stack" method="post">
              <CodeField label={t('twoFactor.codeToConfirm')} t={t} />
              <button type="submit">{t('twoFactor.turnOff')}</button>
            </form>
          )}
        </>
      ) : state.contact.twoFactor?.pendingSecret ? (
        <SetUpApp action={`${route}/api/two-factor-confirm`} state={state} t={t} view={view} />
      ) : (
        <>
          <p>{state.required ? t('twoFactor.requiredIntro', { name: await brandName(portal) }) : t('twoFactor.off')}</p>
          <form action={`${route}/api/two-factor-start`} method="post">
            <button type="submit">{t('twoFactor.start')}</button>
          </form>
        </>
      )}
    </>
  )
}

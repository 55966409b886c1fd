import React from 'react'

import type { Challenge } from '../challenge.js'
import type { Portal } from '../context.js'
import type { Translate } from '../i18n.js'
import type { SearchParams } from './types.js'

import { peekMagicToken } from '../tokens.js'
import { NewPasswordFields, Notice } from './shell.js'
import { param } from './types.js'

export type PublicView = {
  /** Who passed the first factor of a sign-in, on the second step's page. */
  challenge?: Challenge | null
  portal: Portal
  query: SearchParams
  route: string
  segments: string[]
  t: Translate
}

const loginErrors = { disabled: 'error.portalDisabled', invalid: 'error.invalidLogin', locked: 'error.locked' } as const

function MagicLinkForm({ email = '', next, route, t }: { email?: string; next: string; route: string; t: Translate }) {
  return (
    <form action={`${route}/api/magic-link`} className="stack" method="post">
      <input name="next" type="hidden" value={next} />
      <label>{t('field.email')}<input autoComplete="email" defaultValue={email} name="email" required type="email" /></label>
      <button type="submit">{t('login.magicSubmit')}</button>
    </form>
  )
}

export function LoginView({ portal, query, route, t }: PublicView) {
  const error = param(query, 'error') as keyof typeof loginErrors
  const sent = param(query, 'sent')
  const next = param(query, 'next')
  return (
    <div className="auth">
      <h1>{t('login.title')}</h1>
      {loginErrors[error] ? <Notice kind="error">{t(loginErrors[error])}</Notice> : null}
      {sent ? <Notice kind="ok">{t('login.sent', { email: sent, minutes: portal.options.portal.magicLinkMinutes })}</Notice> : null}
      {param(query, 'signedOut') ? <Notice>{t('login.signedOut')}</Notice> : null}
      {param(query, 'reauth') ? <Notice>{t('reauth.notice')}</Notice> : null}
      <form action={`${route}/api/login`} className="stack" method="post">
        <input name="next" type="hidden" value={next} />
        <label>{t('field.email')}<input autoComplete="username" name="email" required type="email" /></label>
        <label>{t('field.password')}<input autoComplete="current-password" name="password" required type="password" /></label>
        <button type="submit">{t('action.signIn')}</button>
      </form>
      <p><a href={`${route}/forgot-password`}>{t('login.forgot')}</a></p>
      <h2>{t('login.magicIntro')}</h2>
      <MagicLinkForm next={next} route={route} t={t} />
    </div>
  )
}

/** Shows who the link signs in and asks for a click: mail scanners that open links spend nothing. */
export async function MagicView({ portal, query, route, segments, t }: PublicView) {
  const token = segments[1] ?? ''
  const valid = /^[\w-]{20,100}$/.test(token) ? await peekMagicToken(portal, token) : null
  const contact = valid
    ? await portal.payload.findByID({ collection: portal.options.slugs.contacts, depth: 0, disableErrors: true, id: valid.contactId })
    : null
  return (
    <div className="auth">
      <h1>{t('magic.title')}</h1>
      {contact ? (
        <>
          <p>{t('magic.intro')}</p>
          <form action={`${route}/api/magic`} className="stack" method="post">
            <input name="token" type="hidden" value={token} />
            <input name="next" type="hidden" value={param(query, 'next')} />
            <button type="submit">{t('magic.continue', { email: String(contact.email) })}</button>
          </form>
        </>
      ) : (
        <>
          <Notice kind="error">{t('magic.invalid')}</Notice>
          <p>{t('magic.invalidHelp', { minutes: portal.options.portal.magicLinkMinutes })}</p>
          <MagicLinkForm next={route} route={route} t={t} />
          <p><a href={`${route}/login`}>{t('login.title')}</a></p>
        </>
      )}
    </div>
  )
}

export function ForgotPasswordView({ query, route, t }: PublicView) {
  const sent = param(query, 'sent')
  return (
    <div className="auth">
      <h1>{t('forgot.title')}</h1>
      {sent ? <Notice kind="ok">{t('login.sent', { email: sent, minutes: 60 })}</Notice> : <p>{t('forgot.intro')}</p>}
      <form action={`${route}/api/forgot-password`} className="stack" method="post">
        <label>{t('field.email')}<input autoComplete="email" name="email" required type="email" /></label>
        <button type="submit">{t('forgot.submit')}</button>
      </form>
      <p><a href={`${route}/login`}>{t('login.title')}</a></p>
    </div>
  )
}

const resetErrors = { invalid: 'reset.invalid', passwordMismatch: 'error.passwordMismatch', passwordShort: 'error.passwordShort' } as const

export function ResetPasswordView({ query, route, segments, t }: PublicView) {
  const error = param(query, 'error') as keyof typeof resetErrors
  return (
    <div className="auth">
      <h1>{t('reset.title')}</h1>
      {resetErrors[error] ? <Notice kind="error">{t(resetErrors[error])}</Notice> : null}
      <form action={`${route}/api/reset-password`} className="stack" method="post">
        <input name="token" type="hidden" value={segments[1] ?? ''} />
        <NewPasswordFields t={t} />
        <button type="submit">{t('reset.submit')}</button>
      </form>
      {error === 'invalid' ? <p><a href={`${route}/forgot-password`}>{t('login.forgot')}</a></p> : null}
    </div>
  )
}

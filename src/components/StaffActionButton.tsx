'use client'

import React from 'react'

import { useStaffAction } from './useStaffAction.js'

/** A sidebar button that runs a staff endpoint and says what happened, politely or as an alert. */
export function StaffActionButton({ label, onDone, path, testId }: { label: string; onDone?: () => void; path: string; testId: string }) {
  const { run, state } = useStaffAction(path, onDone)
  return (
    <div data-testid={testId} style={{ marginBottom: 24 }}>
      <button className="btn btn--style-primary btn--size-small" disabled={state.busy} onClick={run} style={{ margin: 0 }} type="button">
        {label}
      </button>
      {state.message ? (
        <p role={state.ok ? 'status' : 'alert'} style={{ color: state.ok ? undefined : 'var(--theme-error-500)', marginTop: 8 }}>
          {state.message}
        </p>
      ) : null}
    </div>
  )
}

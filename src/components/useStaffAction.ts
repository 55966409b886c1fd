'use client'

import { useConfig } from '@payloadcms/ui'
import { useRouter } from 'next/navigation.js'
import { useState } from 'react'

export type StaffActionState = { busy: boolean; message?: string; ok?: boolean }

/**
 * POSTs to one of the plugin's staff endpoints (`/api/invoice-portal/…`) and keeps its answer's
 * message for the button to show; on success the document view reloads to show the change. `onDone`
 * lets a panel that loads its own data load it again.
 */
export function useStaffAction(path: string, onDone?: () => void): { run: () => Promise<void>; state: StaffActionState } {
  const { config } = useConfig()
  const router = useRouter()
  const [state, setState] = useState<StaffActionState>({ busy: false })
  const run = async () => {
    setState({ busy: true })
    const response = await fetch(`${config.serverURL}${config.routes.api}/invoice-portal/${path}`, { credentials: 'include', method: 'POST' })
    const body = (await response.json().catch(() => ({}))) as { errors?: Array<{ message: string }>; message?: string }
    setState({ busy: false, message: body.message ?? body.errors?.map((error) => error.message).join(' ') ?? `The request failed (${response.status}).`, ok: response.ok })
    onDone?.()
    if (response.ok) router.refresh()
  }
  return { run, state }
}

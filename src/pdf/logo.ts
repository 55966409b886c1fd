import type { Portal } from '../portal/context.js'

const MAX_BYTES = 1_000_000
const TTL_MS = 10 * 60_000
const logos = new Map<string, { at: number; value: null | string }>()

/** react-pdf draws PNG and JPEG only; anything else (SVG, WebP) is left out rather than failing the PDF. */
function imageDataUri(bytes: Uint8Array): null | string {
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8
  if (!png && !jpeg) return null
  return `data:image/${png ? 'png' : 'jpeg'};base64,${Buffer.from(bytes).toString('base64')}`
}

/**
 * The brand logo as a data URI, fetched once every ten minutes: a render must not wait on the network
 * or fail with it. A path (`/logo.png`) is read from the portal's own site.
 */
export async function loadLogo(portal: Pick<Portal, 'options' | 'payload'>, logo: null | string | undefined): Promise<null | string> {
  if (!logo) return null
  if (logo.startsWith('data:')) return /^data:image\/(png|jpe?g);base64,/i.test(logo) ? logo : null
  const base = portal.options.portal.baseUrl ?? portal.payload.config.serverURL
  let url: URL
  try {
    url = new URL(logo, base || undefined)
  } catch {
    return null
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  const cached = logos.get(url.href)
  if (cached && Date.now() - cached.at < TTL_MS) return cached.value
  let value: null | string = null
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) })
    const bytes = new Uint8Array(await response.arrayBuffer())
    if (response.ok && bytes.byteLength <= MAX_BYTES) value = imageDataUri(bytes)
  } catch (error) {
    portal.payload.logger.warn({ err: error, msg: `payload-invoice-portal: logo ${url.href} could not be fetched; PDFs go without it` })
  }
  logos.set(url.href, { at: Date.now(), value })
  return value
}

import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { handleEndpoints, type SanitizedConfig } from 'payload'
import { extractText, getDocumentProxy } from 'unpdf'

/**
 * drizzle-kit (Payload's schema push) adds an enumerable Array.prototype.random when a database is
 * pushed, which pdf.js refuses to run next to; hiding it from for…in changes nothing else.
 */
function hideDrizzleArrayExtension() {
  const descriptor = Object.getOwnPropertyDescriptor(Array.prototype, 'random')
  if (descriptor?.enumerable) Object.defineProperty(Array.prototype, 'random', { ...descriptor, enumerable: false })
}

/** Text of each page, whitespace (including Intl's no-break spaces) collapsed to one space. */
export async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  hideDrizzleArrayExtension()
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: false })
  return text.map((page) => page.replace(/\s+/g, ' ').trim())
}

export async function pdfText(bytes: Uint8Array): Promise<string> {
  return (await pdfPages(bytes)).join(' ')
}

/** Money as a PDF shows it once whitespace is collapsed ("€ 1.234,56" with its NBSP → "€ 1.234,56"). */
export const flat = (value: string) => value.replace(/\s+/g, ' ')

/**
 * Writes the PDF and a PNG of its first page (pdftoppm) under test-results/pdf/, so a person can look
 * at what the templates produce. Returns the PNG's path.
 */
export async function snapshotFirstPage(name: string, bytes: Uint8Array): Promise<string> {
  const directory = path.resolve('test-results/pdf')
  await mkdir(directory, { recursive: true })
  const pdfPath = path.join(directory, `${name}.pdf`)
  await writeFile(pdfPath, bytes)
  await promisify(execFile)('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdfPath, path.join(directory, name)])
  return path.join(directory, `${name}.png`)
}

/** Occurrences of `needle` in `text` (not overlapping). */
export const occurrences = (text: string, needle: string) => text.split(needle).length - 1

/**
 * A GET through the host's REST handlers (custom endpoints included) with the raw bytes kept: the REST
 * helper of http.ts decodes bodies as text, which a PDF does not survive.
 */
export async function getEndpoint(config: Promise<SanitizedConfig> | SanitizedConfig, path: string, token?: string) {
  const response = await handleEndpoints({
    config: config as Promise<SanitizedConfig>,
    request: new Request(`http://localhost${path}`, { headers: token ? { Authorization: `JWT ${token}` } : {} }),
  })
  const bytes = new Uint8Array(await response.arrayBuffer())
  const text = new TextDecoder().decode(bytes)
  let json: any = null
  try {
    json = JSON.parse(text)
  } catch {
    // not JSON (a PDF)
  }
  return { bytes, headers: response.headers, json, status: response.status, text }
}

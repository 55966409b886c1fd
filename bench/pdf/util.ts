/** Small helpers shared by the parts of `npm run bench:pdf`: percentiles, tables, memory, PDF checks. */
import { execFileSync, spawn } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export type Stats = { max: number; mean: number; min: number; n: number; p50: number; p95: number }

/** Nearest-rank percentiles, as bench/portal.ts computes them. */
export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
  return { max: sorted[sorted.length - 1], mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length, min: sorted[0], n: sorted.length, p50: rank(0.5), p95: rank(0.95) }
}

export const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1))
export const statLine = (s: Stats) => `p50 ${ms(s.p50)} ms · p95 ${ms(s.p95)} ms · mean ${ms(s.mean)} · min ${ms(s.min)} · max ${ms(s.max)} (n = ${s.n})`

export function table(headers: string[], rows: string[][], rightAligned: number[] = []): string {
  const widths = headers.map((header, index) => Math.max(header.length, ...rows.map((row) => row[index].length)))
  const line = (cells: string[]) => cells.map((cell, index) => (rightAligned.includes(index) ? cell.padStart(widths[index]) : cell.padEnd(widths[index]))).join('  ').trimEnd()
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n')
}

export const mib = (bytes: number) => bytes / (1024 * 1024)
export const rssMb = () => mib(process.memoryUsage().rss)
/** This process's peak RSS in MiB: the main thread and every worker thread (they share the process). */
export const peakRssMb = () => process.resourceUsage().maxRSS / 1024

/**
 * Resets the kernel's RSS high-water mark of this process (Linux: `5` into /proc/self/clear_refs), so
 * the next maxRSS reading is the peak of what follows. Returns false where that is not possible; the
 * peak is then the peak since the process started.
 */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}

/** Samples the current RSS every `intervalMs` until stopped; returns the highest sample (a cross-check of maxRSS). */
export function rssSampler(intervalMs = 100): { stop: () => number } {
  let highest = rssMb()
  const timer = setInterval(() => (highest = Math.max(highest, rssMb())), intervalMs)
  return {
    stop: () => {
      clearInterval(timer)
      return Math.max(highest, rssMb())
    },
  }
}

/** RSS summed over this process's descendants whose command name starts with `prefix` (Linux /proc); null elsewhere. */
export function descendantsRssMb(prefix: string): null | { count: number; rssMb: number } {
  try {
    const parents = new Map<number, number>()
    const names = new Map<number, string>()
    for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        const close = stat.lastIndexOf(')')
        names.set(Number(entry), stat.slice(stat.indexOf('(') + 1, close))
        parents.set(Number(entry), Number(stat.slice(close + 2).split(' ')[1]))
      } catch {
        // gone meanwhile
      }
    }
    const family = new Set<number>([process.pid])
    for (let grown = true; grown; ) {
      grown = false
      for (const [pid, parent] of parents) {
        if (!family.has(pid) && family.has(parent)) {
          family.add(pid)
          grown = true
        }
      }
    }
    let kb = 0
    let count = 0
    for (const pid of family) {
      if (pid === process.pid || !names.get(pid)?.startsWith(prefix)) continue
      try {
        const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
        if (match) {
          kb += Number(match[1])
          count += 1
        }
      } catch {
        // ended meanwhile
      }
    }
    return { count, rssMb: kb / 1024 }
  } catch {
    return null
  }
}

const has = (command: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * What a PDF holds, read back with poppler-utils: pages, page size, embedded fonts, and whether the
 * client's name (with Ĳ) came through as text. Throws when it is not one A4 page with the name.
 */
export function checkPdf(pdf: Buffer | Uint8Array, file: string, mustContain: string): string {
  writeFileSync(file, pdf)
  if (!has('pdfinfo') || !has('pdffonts') || !has('pdftotext')) return `${(pdf.byteLength / 1024).toFixed(1)} KB (poppler-utils missing: not checked)`
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' })
  const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1])
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info)
  const a4 = size !== null && Math.abs(Number(size[1]) - 595.3) < 2 && Math.abs(Number(size[2]) - 841.9) < 2
  const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter(Boolean)
    .map((line) => {
      const [name] = line.split(/\s+/)
      const embedded = /\s(yes|no)\s+(yes|no)\s+(yes|no)\s/.exec(line)?.[1] === 'yes'
      return `${name.replace(/^[A-Z]{6}\+/, '')}${embedded ? '' : ' (not embedded)'}`
    })
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })
  if (pages !== 1 || !a4 || !text.includes(mustContain)) {
    throw new Error(`${path.basename(file)}: expected one A4 page showing "${mustContain}", got ${pages} page(s), ${size?.[0] ?? 'unknown size'}, text ${JSON.stringify(text.slice(0, 120))}`)
  }
  return `${(pdf.byteLength / 1024).toFixed(1)} KB, 1 A4 page, fonts: ${fonts.join(', ')}, "${mustContain}" in the text`
}

/** Runs a command to its end; resolves with its exit code, stdout and stderr. */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; onChild?: (pid: number | undefined) => void } = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    options.onChild?.(child.pid)
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', (error) => resolve({ code: 127, output: `${output}\n${error.message}` }))
    child.on('close', (code, signal) => {
      options.onChild?.(undefined)
      resolve({ code: code ?? (signal ? 128 : 1), output })
    })
  })
}

type CpuSnapshot = { processes: Map<string, { family: boolean; postgres: boolean; ticks: number }>; total: number }

/**
 * The machine's CPU time and every process's (Linux /proc, clock ticks), each marked whether it is
 * this process or one of its descendants. Two snapshots tell how much CPU other processes took
 * meanwhile: on a shared 2-core machine that is what disturbs a figure. Null where /proc is not there.
 */
export function cpuSnapshot(): CpuSnapshot | null {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/)
    const total = fields.slice(0, 8).map(Number).reduce((sum, value) => sum + (value || 0), 0)
    const seen: Array<{ key: string; orphanedChromium: boolean; parent: number; pid: number; postgres: boolean; ticks: number }> = []
    for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
        const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        const postgres = name === 'postgres'
        // utime + stime (fields 14, 15); for PostgreSQL also cutime + cstime (16, 17): the postmaster
        // reaps the server's backends, so theirs land there when they exit. starttime (22) tells a
        // reused pid from the process that had it before.
        const ticks = Number(rest[11]) + Number(rest[12]) + (postgres ? Number(rest[13]) + Number(rest[14]) : 0)
        // Chromium's helpers (crashpad) outlive a --print-to-pdf run re-parented to init: counted as this tree's.
        const orphanedChromium = name.startsWith('chrom') && rest[1] === '1'
        seen.push({ key: `${entry}:${rest[19]}`, orphanedChromium, parent: Number(rest[1]), pid: Number(entry), postgres, ticks })
      } catch {
        // gone meanwhile
      }
    }
    const family = new Set<number>([process.pid])
    for (let grown = true; grown; ) {
      grown = false
      for (const { parent, pid } of seen) {
        if (!family.has(pid) && family.has(parent)) {
          family.add(pid)
          grown = true
        }
      }
    }
    return { processes: new Map(seen.map(({ key, orphanedChromium, pid, postgres, ticks }) => [key, { family: family.has(pid) || orphanedChromium, postgres, ticks }])), total }
  } catch {
    return null
  }
}

/**
 * Share of all CPUs, in percent, that processes outside this process tree used between two snapshots,
 * PostgreSQL's separately (it serves the parts that use the database, so it is not always someone
 * else's load). Counted from the processes themselves, so that CPU of this tree's own processes that
 * ended meanwhile (Chromium's) is not mistaken for someone else's; a foreign process that both started
 * and ended between the snapshots is missed.
 */
export function othersCpuPercent(from: CpuSnapshot | null, to: CpuSnapshot | null): null | { others: number; postgres: number } {
  if (!from || !to || to.total <= from.total) return null
  let others = 0
  let postgres = 0
  for (const [key, process] of to.processes) {
    if (process.family) continue
    const before = from.processes.get(key)
    if (before?.family) continue
    const used = Math.max(0, process.ticks - (before?.ticks ?? 0))
    if (process.postgres) postgres += used
    else others += used
  }
  const span = to.total - from.total
  return { others: (others / span) * 100, postgres: (postgres / span) * 100 }
}

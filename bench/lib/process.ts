import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'

import { root, sleep } from './load.js'

/** Child processes of the benches and of scripts/cluster.ts: steps run to their end, servers in their own process group. */

const resultsDir = path.join(root, 'bench/results')

export async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** `preferred` when nothing listens on it (0: any), else a free port. */
export async function portOr(preferred: number): Promise<number> {
  if (!preferred) return freePort()
  const server = net.createServer()
  const free = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(preferred, '127.0.0.1', () => resolve(true))
  })
  if (!free) return freePort()
  await new Promise((resolve) => server.close(resolve))
  return preferred
}

/** Runs a step to its end with its output in `<logDir>/<name>.log`; throws with the log's tail on failure. */
export async function runStep(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onOutput?: (output: string) => void,
  logDir = resultsDir,
): Promise<{ output: string; seconds: number }> {
  const since = Date.now()
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const take = (chunk: Buffer) => {
    output += chunk.toString()
    onOutput?.(output)
  }
  child.stdout.on('data', take)
  child.stderr.on('data', take)
  const code = await new Promise<number>((resolve) => {
    child.on('error', (error) => {
      output += `\n${error.message}`
      resolve(127)
    })
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)))
  })
  mkdirSync(logDir, { recursive: true })
  writeFileSync(path.join(logDir, `${name}.log`), output)
  if (code !== 0) throw new Error(`${name} failed (exit ${code}); last output:\n${output.split('\n').slice(-30).join('\n')}`)
  return { output, seconds: (Date.now() - since) / 1000 }
}

/** The NEXT_DIST_DIR a process was started with (dev/next.config.mjs builds into it), '.next' when unset. */
function distDirOf(pid: string): string {
  try {
    const variable = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((entry) => entry.startsWith('NEXT_DIST_DIR='))
    return variable?.slice('NEXT_DIST_DIR='.length) || '.next'
  } catch {
    return '.next'
  }
}

/**
 * Other `next build` / `next start` processes on this machine (Linux) that use `distDir` under dev/: a
 * build replaces that folder under them. Those of another dist folder (scripts/cluster.ts builds
 * dev/.next-cluster) are left out.
 */
export function otherNextProcesses(distDir = '.next'): string[] {
  if (!existsSync('/proc')) return []
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()
      if (/next-server|next-build|\bnext (build|start)\b/.test(command) && distDirOf(pid) === distDir) found.push(`${pid} ${command.slice(0, 80)}`)
    } catch {
      // gone meanwhile
    }
  }
  return found
}

/**
 * Ends a child started with `detached: true` and all it started (its process group): SIGTERM, then
 * SIGKILL after `graceMs`. Resolves once it has exited.
 */
export async function stopProcessGroup(child: ChildProcess, exited: Promise<unknown>, graceMs = 10_000): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return
  const group = -child.pid
  try {
    process.kill(group, 'SIGTERM')
  } catch {
    return
  }
  const stopped = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)])
  if (stopped) return
  try {
    process.kill(group, 'SIGKILL')
  } catch {
    // already gone
  }
  await exited
}

/**
 * CPU seconds (user + system, all threads) used so far by each named process group, and by the
 * PostgreSQL server's processes (every database), from Linux's /proc; none elsewhere.
 */
export function cpuSecondsOf(groups: Record<string, number>): Record<string, number> {
  const used: Record<string, number> = Object.fromEntries([...Object.keys(groups), 'postgres'].map((name) => [name, 0]))
  if (!existsSync('/proc')) return used
  const nameOf = new Map(Object.entries(groups).map(([name, group]) => [group, name]))
  // USER_HZ: the unit of /proc's times, 100 on Linux whatever the kernel's own tick.
  const ticksPerSecond = 100
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      // After the command: state, ppid, pgrp, …, utime (12th), stime (13th).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const name = nameOf.get(Number(fields[2])) ?? (command === 'postgres' ? 'postgres' : undefined)
      if (name) used[name] += (Number(fields[11]) + Number(fields[12])) / ticksPerSecond
    } catch {
      // gone meanwhile
    }
  }
  return used
}

import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'

/**
 * BENCH_DIAG=1: every 2 s, on stderr, what this process did: its CPU (over 100 % means its worker
 * threads were busy too), its event-loop delay and its garbage-collection pauses. A latency tail shows
 * here as the process whose loop stalled, and why.
 */
export function reportEveryTwoSeconds(name: string): void {
  if (!process.env.BENCH_DIAG) return
  const delay = monitorEventLoopDelay({ resolution: 5 })
  delay.enable()
  let pauses: number[] = []
  new PerformanceObserver((list) => pauses.push(...list.getEntries().map((entry) => entry.duration))).observe({ entryTypes: ['gc'] })
  let cpu = process.cpuUsage()
  setInterval(() => {
    const used = process.cpuUsage(cpu)
    cpu = process.cpuUsage()
    const ms = (ns: number) => (ns / 1e6).toFixed(1)
    process.stderr.write(
      `${new Date().toISOString().slice(11, 23)} [${name}] cpu ${((used.user + used.system) / 20_000).toFixed(0)} %, ` +
        `loop delay p99 ${ms(delay.percentile(99))} max ${ms(delay.max)} ms, ` +
        `gc ${pauses.length} pauses ${pauses.reduce((a, b) => a + b, 0).toFixed(0)} ms (longest ${Math.max(0, ...pauses).toFixed(1)})\n`,
    )
    delay.reset()
    pauses = []
  }, 2000).unref()
}

/**
 * The contract between the benchmarks and bench/REPORT.md (`npm run bench`, bench/run-all.ts).
 *
 * Each bench writes bench/results/<name>.json with `when` (ISO time written; `date` is read too),
 * `report`: ReportRow[] (the figures that matter against their targets, each with the peer baseline
 * the bench measured in the same run, if any) and optionally `plot` (a line chart, see svgLineChart).
 * Benches that use reportChecks (bench/lib/load.ts) pass a BenchReport as its fourth argument.
 *
 * Reading those files and rendering the report are functions of paths and data, so they can be tested
 * on fake results without running a benchmark.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import { type Plot, svgLineChart } from './svgPlot.js'

export type { Plot, PlotSeries, PlotTarget } from './svgPlot.js'

export type Baseline = { label: string; measured: number }
/** One line of a bench's table in REPORT.md; the ratio shown is measured / baseline.measured. */
export type ReportRow = { baseline?: Baseline; figure: string; measured: number; pass?: boolean; target?: string; unit: string }
/** What a bench adds to its result JSON: `report` (the rows) and `plot`. */
export type BenchReport = { plot?: Plot; rows: ReportRow[] }

// ---------------------------------------------------------------------------------------------------
// Building rows (in the benches)

const row = (figure: string, measured: number, unit: string, target: string | undefined, pass: boolean | undefined, baseline?: Baseline): ReportRow => ({
  figure,
  measured,
  unit,
  ...(target !== undefined && { target }),
  ...(pass !== undefined && { pass }),
  ...(baseline && { baseline }),
})

// A figure that was not measured (NaN, or null from JSON, which `<=` would take for 0) meets no target.
const measuredAnd = (measured: number, meets: boolean) => Number.isFinite(measured) && meets

/** A figure that must not exceed `limit` (a latency, a memory peak). */
export const atMost = (figure: string, measured: number, unit: string, limit: number, baseline?: Baseline) =>
  row(figure, measured, unit, `≤ ${formatValue(limit, unit)}`, measuredAnd(measured, measured <= limit), baseline)

/** A figure that must reach `limit` (a throughput). */
export const atLeast = (figure: string, measured: number, unit: string, limit: number, baseline?: Baseline) =>
  row(figure, measured, unit, `≥ ${formatValue(limit, unit)}`, measuredAnd(measured, measured >= limit), baseline)

/** A figure judged against its peer measured in the same run: measured / baseline ≤ maxRatio. */
export const ratioAtMost = (figure: string, measured: number, unit: string, baseline: Baseline, maxRatio: number) =>
  row(figure, measured, unit, `≤ ${formatNumber(maxRatio)}× ${baseline.label}`, measuredAnd(measured / baseline.measured, measured / baseline.measured <= maxRatio), baseline)

/** A figure shown for context, with no target. */
export const information = (figure: string, measured: number, unit: string, baseline?: Baseline) => row(figure, measured, unit, undefined, undefined, baseline)

// ---------------------------------------------------------------------------------------------------
// Formatting

/** Three significant figures or so: 0.84, 12.3, 1,234 (NaN and friends, which JSON turns into null, as n/a). */
export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'n/a'
  const magnitude = Math.abs(value)
  return value.toLocaleString('en', { maximumFractionDigits: magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2 })
}

/** "12.3 ms", "320/s", "0.84×": units that are a suffix ("/s", "%", "×") take no space. */
export const formatValue = (value: number | null, unit: string) => (value === null || !Number.isFinite(value) || !unit ? formatNumber(value) : `${formatNumber(value)}${/^[/%×]/.test(unit) ? '' : ' '}${unit}`)

export const formatRatio = (ratio: number) => `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

const formatTime = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`

// ---------------------------------------------------------------------------------------------------
// Reading results

type ResultFile = { checks?: Record<string, boolean>; date?: string; plot?: Plot; report?: ReportRow[]; when?: string }

export type BenchResult =
  | { checks: Record<string, boolean>; plot?: Plot; rows: ReportRow[]; state: 'fresh'; when: Date }
  | { error: string; state: 'unreadable' }
  | { state: 'missing' }
  | { state: 'stale'; when: Date }

export const resultFileOf = (resultsDir: string, name: string) => path.join(resultsDir, `${name}.json`)

/** bench/results/<name>.json as this run sees it: fresh only when written after the run started. */
export function readResult(resultsDir: string, name: string, runStarted: Date): BenchResult {
  const file = resultFileOf(resultsDir, name)
  let json: ResultFile
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as ResultFile
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' }
    return { error: error instanceof Error ? error.message : String(error), state: 'unreadable' }
  }
  // A result without a time of its own is as old as the file.
  const when = new Date(json.when ?? json.date ?? statSync(file).mtime)
  if (Number.isNaN(when.getTime()) || when < runStarted) return { state: 'stale', when }
  return { checks: json.checks ?? {}, plot: json.plot, rows: Array.isArray(json.report) ? json.report : [], state: 'fresh', when }
}

// ---------------------------------------------------------------------------------------------------
// Rendering REPORT.md

export type BenchRun = { exitCode: number; name: string; result: BenchResult; seconds: number; status: 'ran' } | { name: string; reason: string; status: 'not run' }

export type RunInfo = {
  finished: Date
  machine: { cpu: string; memory: string; node: string; os: string; postgres: string }
  revision: string
  started: Date
  /** CPU steal during the run, percent of all CPU time (/proc/stat); null where not measured. */
  stealPercent: null | number
}

/** The latency plot of bench:scale is the one issue 8 asks for, under a name that says so. */
export const plotFileOf = (bench: string) => (bench === 'scale' ? 'report-latency.svg' : `report-${bench}.svg`)

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
const tableOf = (headers: string[], rows: string[][], alignRight: number[]) => [
  `| ${headers.join(' | ')} |`,
  `| ${headers.map((_, index) => (alignRight.includes(index) ? '---:' : '---')).join(' | ')} |`,
  ...rows.map((cells) => `| ${cells.map(cell).join(' | ')} |`),
]

const ratioOf = (row: ReportRow) => (row.baseline && Number.isFinite(row.measured) && row.baseline.measured ? row.measured / row.baseline.measured : null)
const passText = (pass: boolean | undefined) => (pass === undefined ? '—' : pass ? 'PASS' : '**FAIL**')

export const figureCells = (row: ReportRow) => {
  const ratio = ratioOf(row)
  return [
    row.figure,
    row.target ?? '—',
    formatValue(row.measured, row.unit),
    row.baseline ? `${row.baseline.label}: ${formatValue(row.baseline.measured, row.unit)}` : '—',
    ratio === null ? '—' : formatRatio(ratio),
    passText(row.pass),
  ]
}

/** One cell of the summary: what became of a bench's result in this run. */
function outcome(run: BenchRun): string {
  if (run.status === 'not run') return `not run (${run.reason})`
  const { result } = run
  if (result.state === 'missing') return 'no result file'
  if (result.state === 'unreadable') return `result file unreadable: ${result.error}`
  if (result.state === 'stale') return `no result written in this run (bench/results/${run.name}.json is stale: ${formatTime(result.when)})`
  const judged = result.rows.filter((row) => row.pass !== undefined)
  const failedChecks = Object.values(result.checks).filter((passed) => !passed).length
  const checks = Object.keys(result.checks).length ? `; checks: ${Object.keys(result.checks).length - failedChecks} of ${Object.keys(result.checks).length} pass` : ''
  if (result.rows.length === 0) return `result written, without report rows${checks}`
  return `${result.rows.length} figure${result.rows.length === 1 ? '' : 's'} (${judged.filter((row) => row.pass).length} of ${judged.length} targets met)${checks}`
}

function benchSection(run: Extract<BenchRun, { status: 'ran' }>): string[] {
  const heading = [`## bench:${run.name}`, '', `exit code ${run.exitCode} · ${formatDuration(run.seconds)} · output in bench/results/${run.name}.log`, '']
  const { result } = run
  if (result.state !== 'fresh') return [...heading, outcome(run), '']
  const failed = Object.entries(result.checks).filter(([, passed]) => !passed)
  return [
    ...heading,
    ...(result.rows.length ? tableOf(['figure', 'target', 'measured', 'baseline (same run)', 'ratio', 'pass'], result.rows.map(figureCells), [2, 4]) : ['Its result file has no `report` rows.']),
    ...(failed.length ? ['', 'Checks that failed:', ...failed.map(([check]) => `- ${check}`)] : []),
    '',
  ]
}

const plotsOf = (runs: BenchRun[]) =>
  runs.flatMap((run) => (run.status === 'ran' && run.result.state === 'fresh' && run.result.plot ? [{ bench: run.name, file: plotFileOf(run.name), plot: run.result.plot }] : []))

export function renderReport(info: RunInfo, runs: BenchRun[]): string {
  const ran = runs.filter((run): run is Extract<BenchRun, { status: 'ran' }> => run.status === 'ran')
  const plots = plotsOf(runs)
  return [
    '# Benchmark report',
    '',
    `Written by \`npm run bench\` (bench/run-all.ts): started ${formatTime(info.started)}, finished ${formatTime(info.finished)} (${formatDuration((info.finished.getTime() - info.started.getTime()) / 1000)}). ` +
      'Each benchmark ran alone, one after the other; a baseline is the peer the benchmark measured in the same run on the same machine.',
    '',
    `- **revision**: ${info.revision}`,
    `- **machine**: ${info.machine.cpu}, ${info.machine.memory} memory, ${info.machine.os}`,
    `- **Node**: ${info.machine.node}`,
    `- **PostgreSQL**: ${info.machine.postgres}`,
    `- **CPU steal during the run**: ${info.stealPercent === null ? 'not measured (no /proc/stat)' : `${info.stealPercent.toFixed(1)} % of all CPU time (time the hypervisor gave to other guests)`}`,
    '',
    '## Summary',
    '',
    ...tableOf(
      ['benchmark', 'exit code', 'wall time', 'result'],
      runs.map((run) => [`bench:${run.name}`, run.status === 'ran' ? String(run.exitCode) : '—', run.status === 'ran' ? formatDuration(run.seconds) : '—', outcome(run)]),
      [1, 2],
    ),
    '',
    ...ran.flatMap(benchSection),
    ...plots.flatMap(({ bench, file, plot }) => [`## ${plot.title}`, '', `From bench:${bench}.`, '', `![${plot.title}](${file})`, '']),
    '## How to reproduce',
    '',
    '`npm run bench` (every benchmark; `BENCH_ONLY=scale,erp` for a subset, `BENCH_SKIP_SEED=1` to skip seeding the 1,000,000-invoice database). Each run rewrites this file.',
    '',
  ].join('\n')
}

/** Writes REPORT.md and the plots' SVG files into `reportDir`; returns the paths written. */
export function writeReport(reportDir: string, info: RunInfo, runs: BenchRun[]): string[] {
  mkdirSync(reportDir, { recursive: true })
  const written = plotsOf(runs).map(({ file, plot }) => {
    const svgPath = path.join(reportDir, file)
    writeFileSync(svgPath, svgLineChart(plot))
    return svgPath
  })
  const reportPath = path.join(reportDir, 'REPORT.md')
  writeFileSync(reportPath, renderReport(info, runs))
  return [reportPath, ...written]
}

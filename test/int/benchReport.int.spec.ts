/**
 * bench/REPORT.md from fake result files (bench/lib/report.ts, bench/lib/svgPlot.ts): the table rows,
 * ratios, stale and missing results, and an SVG plot that parses and holds the series' points. No
 * benchmark runs here. (In test/int/ because vitest.config.ts does not pick up bench/.)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

import { atLeast, atMost, type BenchRun, formatRatio, formatValue, information, type Plot, ratioAtMost, readResult, type RunInfo, writeReport } from '../../bench/lib/report.js'
import { svgLineChart } from '../../bench/lib/svgPlot.js'

// sax comes with payload; strict mode rejects anything that is not well-formed XML.
const sax = createRequire(import.meta.url)('sax')

type Element = { attributes: Record<string, string>; name: string; text: string }
/** Every element of a well-formed XML document (throws on a malformed one), with its direct text. */
function parseXml(xml: string): Element[] {
  const parser = sax.parser(true)
  const elements: Element[] = []
  const open: Element[] = []
  parser.onopentag = (node: any) => {
    const element = { attributes: node.attributes, name: node.name, text: '' }
    elements.push(element)
    open.push(element)
  }
  parser.ontext = (text: string) => {
    if (open.length) open[open.length - 1].text += text
  }
  parser.onclosetag = () => open.pop()
  parser.write(xml).close()
  return elements
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-report-'))
const resultsDir = path.join(dir, 'results')
const reportDir = path.join(dir, 'report')
afterAll(() => rmSync(dir, { force: true, recursive: true }))

const started = new Date('2026-03-01T10:00:00.000Z')
const during = '2026-03-01T10:30:00.000Z'
const before = '2026-02-27T09:00:00.000Z'

const latencyPlot: Plot = {
  series: [
    { label: 'page 1 p95', points: [[10, 21.5], [100, 23], [1000, 26.25], [10000, 31]] },
    { label: 'page 50 p95', points: [[1000, 48], [10000, 77.5], [100, 35], [10, 30]] },
    { label: 'dashboard p95', points: [[10, 40], [100, 42], [1000, 45], [10000, 52]] },
  ],
  targets: [{ label: 'list p95', y: 100 }, { label: 'dashboard p95', y: 150 }],
  title: 'Portal list latency at 1,000,000 invoices',
  x: 'invoices per client',
  y: 'latency (ms)',
}

function writeResult(name: string, content: unknown) {
  writeFileSync(path.join(resultsDir, `${name}.json`), typeof content === 'string' ? content : JSON.stringify(content))
}

mkdirSync(resultsDir)
writeResult('scale', { checks: { 'list p95 ≤ 100 ms': true }, plot: latencyPlot, report: [atMost('portal list page 1 p95 (10,000 invoices per client)', 31, 'ms', 100)], when: during })
// bench:portal and bench:pdf write `date`, not `when`.
writeResult('portal', {
  date: during,
  report: [
    ratioAtMost('portal invoice list p50', 42, 'ms', { label: 'Payload REST list', measured: 50 }, 1.5),
    ratioAtMost('portal invoice detail p50', 80, 'ms', { label: 'Payload REST, 3 calls', measured: 40 }, 1.5),
    information('portal invoice list p95', 61.25, 'ms', { label: 'Payload REST list', measured: 58 }),
  ],
})
writeResult('erp', {
  checks: { 'answered 2xx per second ≥ 300': true, 'every invoice present exactly once, open, with its total': false },
  figures: {},
  report: [atLeast('ERP invoice pushes answered 2xx per second', 321.4, '/s', 300), atMost('new invoice visible in the portal list, p99', null as unknown as number, 'ms', 1000)],
  when: during,
})
writeResult('webhooks', { checks: {}, report: [atLeast('OLD webhook figure', 512, '/s', 500)], when: before })
writeResult('reminders', '{ "when": "2026-03-01T10:3')
// No time of its own: as old as the file.
writeResult('cluster', { report: [information('OLD cluster figure', 1, 'ms')] })
utimesSync(path.join(resultsDir, 'cluster.json'), new Date(before), new Date(before))

const run = (name: string, exitCode: number, seconds: number): BenchRun => ({ exitCode, name, result: readResult(resultsDir, name, started), seconds, status: 'ran' })
const runs: BenchRun[] = [
  { name: 'seed-large', reason: 'BENCH_SKIP_SEED=1', status: 'not run' },
  run('scale', 0, 754),
  run('portal', 0, 130),
  run('erp', 1, 95.2),
  run('webhooks', 1, 12),
  run('reminders', 0, 121),
  run('pdf', 1, 3.4),
  run('cluster', 0, 5),
  { name: 'later', reason: 'no script', status: 'not run' },
]
const info: RunInfo = {
  finished: new Date('2026-03-01T12:05:00.000Z'),
  machine: { cpu: '2 × Test CPU', memory: '7.8 GiB', node: 'v20.20.2', os: 'Linux 6.1.0', postgres: 'PostgreSQL 15.14 on x86_64-pc-linux-gnu' },
  revision: 'abc1234 + uncommitted',
  started,
  stealPercent: 0.42,
}
const written = writeReport(reportDir, info, runs)
const markdown = readFileSync(path.join(reportDir, 'REPORT.md'), 'utf8')
const lines = markdown.split('\n')

describe('bench result files', () => {
  it('are fresh only when written after the run started, reading `when`, `date` or the file time', () => {
    expect(readResult(resultsDir, 'scale', started)).toMatchObject({ plot: latencyPlot, state: 'fresh' })
    expect(readResult(resultsDir, 'portal', started)).toMatchObject({ state: 'fresh', when: new Date(during) })
    expect(readResult(resultsDir, 'webhooks', started)).toEqual({ state: 'stale', when: new Date(before) })
    expect(readResult(resultsDir, 'cluster', started)).toEqual({ state: 'stale', when: new Date(before) })
    expect(readResult(resultsDir, 'pdf', started)).toEqual({ state: 'missing' })
    expect(readResult(resultsDir, 'reminders', started)).toMatchObject({ state: 'unreadable' })
  })
})

describe('REPORT.md', () => {
  it('has the run header: time, revision, machine, PostgreSQL, steal', () => {
    expect(lines[0]).toBe('# Benchmark report')
    expect(markdown).toContain('started 2026-03-01 10:00 UTC, finished 2026-03-01 12:05 UTC (2 h 5 min)')
    expect(markdown).toContain('- **revision**: abc1234 + uncommitted')
    expect(markdown).toContain('- **machine**: 2 × Test CPU, 7.8 GiB memory, Linux 6.1.0')
    expect(markdown).toContain('- **PostgreSQL**: PostgreSQL 15.14 on x86_64-pc-linux-gnu')
    expect(markdown).toContain('- **CPU steal during the run**: 0.4 %')
  })

  it('shows each figure with its target, baseline, ratio to it and verdict', () => {
    expect(lines).toContain('| figure | target | measured | baseline (same run) | ratio | pass |')
    expect(lines).toContain('| portal invoice list p50 | ≤ 1.5× Payload REST list | 42 ms | Payload REST list: 50 ms | 0.84× | PASS |')
    expect(lines).toContain('| portal invoice detail p50 | ≤ 1.5× Payload REST, 3 calls | 80 ms | Payload REST, 3 calls: 40 ms | 2.00× | **FAIL** |')
    expect(lines).toContain('| portal invoice list p95 | — | 61.3 ms | Payload REST list: 58 ms | 1.06× | — |')
    // No baseline: no ratio. A figure JSON turned into null: n/a, and it fails its target.
    expect(lines).toContain('| ERP invoice pushes answered 2xx per second | ≥ 300/s | 321/s | — | — | PASS |')
    expect(lines).toContain('| new invoice visible in the portal list, p99 | ≤ 1,000 ms | n/a | — | — | **FAIL** |')
    expect(markdown).toContain('Checks that failed:\n- every invoice present exactly once, open, with its total')
  })

  it('records exit codes and wall times, and tells stale, missing, unreadable and not-run benches apart', () => {
    expect(lines).toContain('| bench:seed-large | — | — | not run (BENCH_SKIP_SEED=1) |')
    expect(lines).toContain('| bench:scale | 0 | 12 min 34 s | 1 figure (1 of 1 targets met); checks: 1 of 1 pass |')
    expect(lines).toContain('| bench:erp | 1 | 1 min 35 s | 2 figures (1 of 2 targets met); checks: 1 of 2 pass |')
    expect(lines).toContain('| bench:webhooks | 1 | 12 s | no result written in this run (bench/results/webhooks.json is stale: 2026-02-27 09:00 UTC) |')
    expect(lines).toContain('| bench:pdf | 1 | 3.4 s | no result file |')
    expect(lines.find((line) => line.startsWith('| bench:reminders | 0 | 2 min 1 s | result file unreadable:'))).toBeDefined()
    expect(lines).toContain('| bench:later | — | — | not run (no script) |')
    // A stale result's figures are not reported as measured now.
    expect(markdown).not.toContain('OLD webhook figure')
    expect(markdown).not.toContain('OLD cluster figure')
    expect(markdown).toContain('## bench:erp\n\nexit code 1 · 1 min 35 s · output in bench/results/erp.log')
  })

  it('embeds the latency plot and says how to reproduce', () => {
    expect(written.map((file) => path.basename(file))).toEqual(['REPORT.md', 'report-latency.svg'])
    expect(markdown).toContain('![Portal list latency at 1,000,000 invoices](report-latency.svg)')
    expect(markdown).toContain('`npm run bench`')
  })
})

describe('the SVG plot', () => {
  const svg = readFileSync(path.join(reportDir, 'report-latency.svg'), 'utf8')
  const elements = parseXml(svg)

  it('is well-formed SVG with every point of every series', () => {
    expect(elements[0]).toMatchObject({ attributes: { xmlns: 'http://www.w3.org/2000/svg' }, name: 'svg' })
    for (const series of latencyPlot.series) {
      const group = svg.slice(svg.indexOf(`<g data-series="${series.label}">`))
      const circles = [...group.slice(0, group.indexOf('</g>')).matchAll(/data-x="([^"]+)" data-y="([^"]+)"/g)].map((match) => [Number(match[1]), Number(match[2])])
      expect(circles).toEqual([...series.points].sort((a, b) => a[0] - b[0]))
    }
    expect(elements.filter((element) => element.name === 'polyline')).toHaveLength(3)
    expect(elements.filter((element) => element.name === 'line' && element.attributes['data-target'] && element.attributes['stroke-dasharray'])).toHaveLength(2)
  })

  it('has a title, axis labels, a legend and readable, non-overlapping tick labels', () => {
    const texts = elements.filter((element) => element.name === 'text')
    const labels = texts.map((element) => element.text)
    expect(labels).toEqual(expect.arrayContaining([latencyPlot.title, 'invoices per client (log scale)', 'latency (ms)', 'page 1 p95', 'page 50 p95', 'dashboard p95', 'target: list p95 (100)']))
    for (const element of texts) expect(Number(element.attributes['font-size'])).toBeGreaterThanOrEqual(11)
    const xTicks = texts.filter((element) => ['10', '100', '1,000', '10,000'].includes(element.text) && element.attributes['text-anchor'] === 'middle')
    expect(xTicks).toHaveLength(4)
    const xs = xTicks.map((element) => Number(element.attributes.x))
    for (let index = 1; index < xs.length; index += 1) expect(xs[index] - xs[index - 1]).toBeGreaterThan(60)
  })

  it('copes with no data and escapes labels', () => {
    const elements = parseXml(svgLineChart({ series: [{ label: 'a < b & "c"', points: [[0, 1]] }], title: 'empty', x: 'x', y: 'y' }))
    expect(elements.map((element) => element.text)).toEqual(expect.arrayContaining(['no data', 'a < b & "c"']))
  })
})

describe('formatting', () => {
  it('prints ratios and units as the report shows them', () => {
    expect(formatRatio(0.8421)).toBe('0.84×')
    expect(formatRatio(25.25)).toBe('25.3×')
    expect(formatValue(320, '/s')).toBe('320/s')
    expect(formatValue(12.345, 'ms')).toBe('12.3 ms')
    expect(formatValue(1234.5, 'ms')).toBe('1,235 ms')
    expect(formatValue(Number.NaN, 'ms')).toBe('n/a')
  })
})

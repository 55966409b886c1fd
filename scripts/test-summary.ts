/**
 * One closing line for the whole run, "tests: N passed, N failed", from the JSON reports vitest and
 * Playwright write into reports/ and the smoke test's own count (passed in as arguments).
 */
import { readFileSync } from 'node:fs'

type Counts = { failed: number; passed: number }

function read<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T
  } catch {
    return null
  }
}

const vitest = read<{ numFailedTests: number; numPassedTests: number }>('reports/vitest.json')
const playwright = read<{ stats: { expected: number; flaky: number; unexpected: number } }>('reports/playwright.json')
const [smokePassed = '0', smokeFailed = '0'] = process.argv.slice(2)

const parts: Array<[string, Counts | null]> = [
  ['vitest', vitest && { failed: vitest.numFailedTests, passed: vitest.numPassedTests }],
  ['playwright', playwright && { failed: playwright.stats.unexpected, passed: playwright.stats.expected + playwright.stats.flaky }],
  ['embedded smoke', { failed: Number(smokeFailed), passed: Number(smokePassed) }],
]
let passed = 0
let failed = 0
for (const [name, counts] of parts) {
  if (!counts) {
    console.log(`${name}: no report found`)
    failed += 1
    continue
  }
  console.log(`${name}: ${counts.passed} passed, ${counts.failed} failed`)
  passed += counts.passed
  failed += counts.failed
}
console.log(`tests: ${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)

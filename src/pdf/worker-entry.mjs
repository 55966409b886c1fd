// The worker's first file, plain JavaScript so Node runs it anywhere. From TypeScript sources (tests,
// the dev app) it registers tsx first; from a compiled build it imports worker.js directly.
import { pathToFileURL } from 'node:url'
import { workerData } from 'node:worker_threads'

const { module } = workerData
if (/\.tsx?$/.test(module)) {
  const { register } = await import('tsx/esm/api')
  register()
}
await import(pathToFileURL(module).href)

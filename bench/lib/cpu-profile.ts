/**
 * Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes) and sums self
 * time per function: the table of where a thread spent its time.
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
  readonly startTime: number
  readonly endTime: number
}

/** Self time of one function (all its call sites together). */
export interface SelfTime {
  readonly name: string
  readonly ms: number
  readonly share: number
}

/** Self time per function, largest first; V8's own entries keep their names: `(garbage collector)`, `(idle)`, `(program)`. */
export function selfTimes(file: string): { totalMs: number; functions: SelfTime[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const label = new Map<number, string>()
  for (const { id, callFrame } of profile.nodes) {
    const where = callFrame.url === '' ? '' : ` ${shorten(callFrame.url)}:${callFrame.lineNumber + 1}`
    label.set(id, `${callFrame.functionName || '(anonymous)'}${where}`)
  }
  const micros = new Map<string, number>()
  profile.samples.forEach((node, i) => {
    const name = label.get(node) ?? '(unknown)'
    micros.set(name, (micros.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0))
  })
  const totalMs = (profile.endTime - profile.startTime) / 1000
  const functions = [...micros].map(([name, us]) => ({ name, ms: us / 1000, share: us / 1000 / totalMs })).sort((a, b) => b.ms - a.ms)
  return { totalMs, functions }
}

/** `file:///…/node_modules/piscina/dist/index.js` -> `piscina/dist/index.js`; the project's own files from `src/` or `bench/`. */
function shorten(url: string): string {
  const modules = url.lastIndexOf('node_modules/')
  if (modules !== -1) return url.slice(modules + 'node_modules/'.length)
  const own = url.search(/\/(src|bench\/lib)\//)
  if (own !== -1) return url.slice(own + 1)
  return url.replace(/^file:\/\//, '')
}

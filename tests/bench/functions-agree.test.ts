/**
 * The benchmark functions are written twice, in TypeScript for hyperpool
 * (bench/optuna/functions.ts) and in Python for Optuna (bench/optuna/functions.py):
 * both must define the same spaces and the same values, or the side-by-side
 * table compares different problems.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { FUNCTIONS } from '../../bench/optuna/functions.ts'
import { findPython } from '../../bench/optuna/python.ts'
import { isDomain } from '../../src/search/domain.ts'
import { createRandom } from '../../src/search/rng.ts'
import { sampleConfig } from '../../src/search/sample.ts'
import type { Space } from '../../src/search/space.ts'

const script = fileURLToPath(new URL('../../bench/optuna/functions.py', import.meta.url))
const probe = findPython([script, '--spaces'])
const found = 'python' in probe ? probe : undefined
if (found === undefined) {
  console.warn(
    `skipped: no Python runs bench/optuna/functions.py (${'problems' in probe ? probe.problems.join('; ') : ''}); set HYPERPOOL_PYTHON`,
  )
}

/** A hyperpool space as functions.py writes its spaces: Optuna's distributions, both integer ends included. */
function asOptunaSpec(space: Space): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(space).map(([name, domain]) => {
      if (!isDomain(domain)) throw new Error(`${name}: the benchmark spaces hold domains only`)
      switch (domain.$domain) {
        case 'uniform':
        case 'loguniform':
          return [name, { type: 'float', low: domain.low, high: domain.high, log: domain.$domain === 'loguniform' }]
        case 'randint':
        case 'lograndint':
          return [name, { type: 'int', low: domain.low, high: domain.high - 1, log: domain.$domain === 'lograndint' }]
        case 'choice':
          return [name, { type: 'categorical', choices: domain.values }]
        default:
          throw new Error(`${name}: no Optuna twin written for ${domain.$domain}`)
      }
    }),
  )
}

describe.skipIf(found === undefined)('bench functions: TypeScript and Python agree', () => {
  it('define the same functions over the same spaces', () => {
    const spaces = JSON.parse((found as { stdout: string }).stdout) as Record<string, unknown>
    expect(Object.keys(spaces)).toEqual(FUNCTIONS.map((fn) => fn.name))
    for (const fn of FUNCTIONS) expect(spaces[fn.name], fn.name).toEqual(asOptunaSpec(fn.space))
  })

  it('give the same values at random points and at the minimum', () => {
    const random = createRandom(7)
    const points: Array<[string, Record<string, unknown>]> = []
    for (const fn of FUNCTIONS) for (let i = 0; i < 20; i++) points.push([fn.name, sampleConfig(fn.space, random)])
    const minimisers: Record<string, Record<string, unknown>> = {
      branin: { x1: Math.PI, x2: 2.275 },
      hartmann6: { x0: 0.20169, x1: 0.150011, x2: 0.476874, x3: 0.275332, x4: 0.311652, x5: 0.6573 },
      ackley5: { x0: 0, x1: 0, x2: 0, x3: 0, x4: 0 },
      'rosenbrock4-log': { x0: 1, x1: 1, x2: 1, x3: 1 },
      'mlp-mixed': { lr: 10 ** -3.3, weight_decay: 1e-4, layers: 4, units: 128, dropout: 0.2, optimizer: 'adam' },
    }
    points.push(...Object.entries(minimisers))
    const run = spawnSync((found as { python: string }).python, [script, '--eval'], { input: JSON.stringify(points), encoding: 'utf8' })
    expect(run.stderr).toBe('')
    const theirs = JSON.parse(run.stdout) as number[]
    expect(theirs).toHaveLength(points.length)
    points.forEach(([name, config], i) => {
      const ours = (FUNCTIONS.find((fn) => fn.name === name) as (typeof FUNCTIONS)[number]).f(config)
      expect(Math.abs(ours - (theirs[i] as number)), `${name} at ${JSON.stringify(config)}`).toBeLessThanOrEqual(
        1e-12 * Math.max(1, Math.abs(ours)),
      )
    })
    for (const fn of FUNCTIONS) {
      const value = fn.f(minimisers[fn.name] as Record<string, unknown>)
      expect(Math.abs(value - fn.minimum), `${fn.name} reaches its stated minimum`).toBeLessThan(1e-4)
    }
  })
})

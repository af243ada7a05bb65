import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { countOf } from '../../src/format.ts'
import { loadExperiment, Tuner, uniform } from '../../src/index.ts'
import { BEHAVIOURS, cli, memoryLogger, temporaryDir } from '../helpers.ts'

let dir: string
beforeAll(async () => {
  const storageDir = temporaryDir()
  await new Tuner({
    trainable: BEHAVIOURS,
    space: { behaviour: 'curve', x: uniform(-1, 1), epochs: 1 },
    metric: ['loss', 'draw'],
    mode: ['min', 'max'],
    numSamples: 8,
    concurrency: 2,
    seed: 3,
    storageDir,
    name: 'mo',
    trackers: [],
    logger: memoryLogger(),
  }).fit()
  dir = join(storageDir, 'mo')
})

describe('hyperpool summary of a multi-objective run', () => {
  it('shows the objectives and the Pareto front, by the first objective', async () => {
    const { results } = await loadExperiment(dir)
    const front = results.paretoFront()
    const { code, stdout } = await cli('summary', dir)
    expect(code).toBe(0)
    expect(stdout).toMatch(/^experiment mo: loss \(min\), draw \(max\), 8 trials \(8 completed\)\n/)
    expect(stdout).toContain(`Pareto front: ${countOf(front.length, 'trial')} that no other beats on every objective\n`)
    const lines = stdout.trimEnd().split('\n')
    const header = lines.findIndex((line) => line.startsWith('rank'))
    expect(lines[header]).toMatch(/^rank\s+trial\s+state\s+loss\s+draw\s+reports\s+behaviour\s+x\s+epochs$/)
    const ids = lines.slice(header + 1).map((line) => Number(line.split(/\s+/)[1]))
    const byLoss = [...front].sort((a, b) => (a.lastResult?.loss as number) - (b.lastResult?.loss as number)).map((t) => t.id)
    expect(ids).toEqual(byLoss)
  })

  it('--json gives the objectives and the front', async () => {
    const { results } = await loadExperiment(dir)
    const json = JSON.parse((await cli('summary', dir, '--json')).stdout) as {
      experiment: { objectives: unknown }
      front: { id: number }[]
      trials?: unknown
    }
    expect(json.experiment.objectives).toEqual(results.objectives)
    expect(json.front.map((t) => t.id).sort((a, b) => a - b)).toEqual(results.paretoFront().map((t) => t.id))
    expect(json.trials).toBeUndefined()
  })
})

import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ASHAScheduler,
  FIFOScheduler,
  HyperBandScheduler,
  PopulationBasedTraining,
  type Result,
  type ResumePlan,
  type Scheduler,
  type Space,
  type TrialInfo,
  Tuner,
  uniform,
} from '../../src/index.ts'
import { memoryLogger } from '../helpers.ts'

const FIXTURE = new URL('../fixtures/schedulers.ts', import.meta.url)
const LR = uniform(0.02, 0.3)

function tuner(scheduler: Scheduler, options: { numSamples: number; epochs: number; space?: Space; name: string; reproducible?: boolean }) {
  const storageDir = mkdtempSync(join(tmpdir(), `hyperpool-${options.name}-`))
  const t = new Tuner({
    trainable: FIXTURE,
    space: options.space ?? { x: uniform(-2, 2), lr: LR, epochs: options.epochs },
    scheduler,
    metric: 'loss',
    mode: 'min',
    numSamples: options.numSamples,
    concurrency: 2,
    trackers: [],
    logger: memoryLogger(),
    storageDir,
    name: options.name,
    reproducible: options.reproducible ?? false,
    seed: 11,
  })
  return { tuner: t, checkpoints: join(storageDir, options.name, 'checkpoints') }
}

/** Whether `w` is one gradient step (lr) on from `previous`. */
function closeTo(w: unknown, previous: unknown, lr: unknown): boolean {
  return Math.abs((w as number) - (previous as number) * (1 - 2 * (lr as number))) < 1e-12
}

const spent = (trials: readonly TrialInfo[]) => trials.reduce((sum, t) => sum + t.history.length, 0)

describe('schedulers on the worker pool', () => {
  it('ASHA stops trials early: fewer iterations than FIFO on the same seed, and the same trials', async () => {
    // Reproducible, so which trials ASHA stops does not hang on which thread reached a rung first.
    const options = { numSamples: 16, epochs: 16, reproducible: true }
    const fifo = await tuner(new FIFOScheduler(), { ...options, name: 'fifo' }).tuner.fit()
    const asha = await tuner(new ASHAScheduler({ maxT: 16 }), { ...options, name: 'asha' }).tuner.fit()
    expect(asha.trials.map((t) => t.config)).toEqual(fifo.trials.map((t) => t.config))
    expect(spent(fifo.trials)).toBe(16 * 16)
    expect(spent(asha.trials)).toBeLessThan(spent(fifo.trials))
    const early = asha.trials.filter((t) => t.state === 'stopped' && t.history.length < 16)
    expect(early.length).toBeGreaterThan(0)
    // Rungs at 1, 4, 16: an early stop happens only at a rung.
    for (const trial of early) expect([1, 4]).toContain(trial.history.length)
    // A trial that ran to maxT ran its full budget: completed, not stopped.
    for (const trial of asha.trials) expect(trial.state).toBe(trial.history.length === 16 ? 'completed' : 'stopped')
    expect(asha.trials.some((t) => t.state === 'completed')).toBe(true)
  })

  it('HyperBand pauses trials at milestones and resumes them from their checkpoints', async () => {
    // maxT 9, eta 3: brackets of 3, 5 and 9 trials, milestones [9], [3, 9], [1, 3, 9].
    const { tuner: t, checkpoints } = tuner(new HyperBandScheduler({ maxT: 9, reductionFactor: 3 }), {
      numSamples: 17,
      epochs: 9,
      name: 'hyperband',
    })
    const results = await t.fit()
    expect(results.errors).toEqual([])
    for (const trial of results.trials) {
      expect(trial.state).toBe(trial.history.length === 9 ? 'completed' : 'stopped')
      const n = trial.history.length
      expect(n).toBeGreaterThan(0)
      // Contiguous across pauses: one report per epoch, the state carried on.
      expect(trial.history.map((r) => r.epoch)).toEqual(Array.from({ length: n }, (_, i) => i + 1))
      expect(trial.history.map((r) => r.training_iteration)).toEqual(Array.from({ length: n }, (_, i) => i + 1))
      expect(trial.history.every((r) => r.origin === trial.id)).toBe(true)
      expect([1, 3, 9]).toContain(n)
    }
    const resumed = results.trials.filter((t) => (t.lastResult?.starts as number) > 1)
    expect(resumed.length).toBeGreaterThan(0)
    for (const trial of resumed) {
      // The run after a pause starts right after the epoch it paused at, from the checkpointed w.
      const firstOfRun = trial.history.findIndex((r) => r.starts === 2)
      const before = trial.history[firstOfRun - 1]
      const after = trial.history[firstOfRun]
      expect([1, 3]).toContain(before?.epoch)
      expect(after?.w).toBeCloseTo((before?.w as number) * (1 - 2 * (trial.config.lr as number)), 12)
    }
    expect(results.trials.filter((t) => t.history.length === 9).length).toBeGreaterThan(0)
    expect(readdirSync(checkpoints).length).toBe(17)
  })

  it('PBT exploits a better trial (its checkpoint) and explores its config within bounds', async () => {
    const plans: Array<{ trial: number; plan: ResumePlan }> = []
    class Recording extends PopulationBasedTraining {
      override beforeResume(trial: TrialInfo): ResumePlan | undefined {
        const plan = super.beforeResume(trial)
        if (plan) plans.push({ trial: trial.id, plan })
        return plan
      }
    }
    const pbt = new Recording({ timeAttr: 'epoch', perturbationInterval: 2, hyperparamMutations: { lr: LR } })
    const results = await tuner(pbt, { numSamples: 8, epochs: 12, name: 'pbt' }).tuner.fit()
    expect(results.errors).toEqual([])
    expect(plans.length).toBeGreaterThan(0)
    for (const { trial: id, plan } of plans) {
      expect(plan.restoreFrom).not.toBe(id)
      // Explored: the donor's lr times 1.2 or 0.8, or a fresh draw, always inside its domain.
      const lr = plan.config?.lr as number
      expect(lr).toBeGreaterThanOrEqual(LR.low)
      expect(lr).toBeLessThanOrEqual(LR.high)
    }
    // A trial ends with the config of its last exploit.
    for (const { trial: id, plan } of plans.filter((p, i) => !plans.slice(i + 1).some((later) => later.trial === p.trial))) {
      expect(results.trials[id]?.config).toEqual(plan.config)
    }
    // Every report either continues the trial's previous one, or continues a state a donor reported
    // (same origin, the next epoch, one more start), under the clone's explored lr: the checkpoint was restored.
    const reports = results.trials.flatMap((t) => t.history)
    const step = (from: Result, to: Result) =>
      to.epoch === (from.epoch as number) + 1 && to.origin === from.origin && closeTo(to.w, from.w, to.lr)
    let jumps = 0
    for (const trial of results.trials) {
      expect(trial.history[0]?.origin).toBe(trial.id)
      trial.history.forEach((r, i) => {
        const previous = trial.history[i - 1]
        if (previous === undefined || step(previous, r)) return
        jumps++
        expect(reports.some((d) => d.trial_id !== trial.id && d.starts === (r.starts as number) - 1 && step(d, r))).toBe(true)
      })
    }
    expect(jumps).toBeGreaterThan(0)
    expect(jumps).toBeLessThanOrEqual(plans.length)
    for (const trial of results.trials) expect(['completed', 'stopped']).toContain(trial.state)
  })
})

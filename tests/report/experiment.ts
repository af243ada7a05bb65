import { join } from 'node:path'
import { ASHAScheduler, choice, loguniform, randint, TPESearch, Tuner, type TunerOptions, uniform } from '../../src/index.ts'
import { memoryLogger } from '../helpers.ts'

/** The report tests' trainable. */
export const TRAINABLE = new URL('./trainable.ts', import.meta.url)

/** A mixed space: a log domain, an integer, a choice and a uniform float. */
export const SPACE = {
  lr: loguniform(1e-4, 1e-1),
  layers: randint(1, 6),
  act: choice(['relu', 'tanh', 'gelu']),
  dropout: uniform(0, 0.5),
  epochs: 9,
}

/**
 * A real experiment under TPE and ASHA (so some trials stop early). The
 * report reads what the Tuner itself keeps: its journal in `<root>/exp`
 * (no tracker needed). Returns the experiment's folder.
 */
export async function runExperiment(root: string, options: Partial<TunerOptions> = {}): Promise<string> {
  await new Tuner({
    trainable: TRAINABLE,
    space: SPACE,
    metric: 'loss',
    mode: 'min',
    numSamples: 30,
    concurrency: 2,
    seed: 7,
    search: new TPESearch({ nStartupTrials: 8 }),
    scheduler: new ASHAScheduler({ maxT: 9, gracePeriod: 1, reductionFactor: 3 }),
    storageDir: root,
    name: 'exp',
    trackers: [],
    handleSignals: false,
    logger: memoryLogger(),
    ...options,
  }).fit()
  return join(root, 'exp')
}

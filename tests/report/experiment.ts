import { join } from 'node:path'
import { ASHAScheduler, choice, JsonlTracker, loguniform, randint, TPESearch, Tuner, type TunerOptions, uniform } from '../../src/index.ts'
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
 * A real experiment under TPE and ASHA (so some trials stop early), logged
 * to `<root>/exp`; the Tuner's own storage goes to `<root>/store`. Returns
 * the experiment's folder.
 */
export async function runExperiment(root: string, options: Partial<TunerOptions> = {}): Promise<string> {
  const dir = join(root, 'exp')
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
    storageDir: join(root, 'store'),
    name: 'exp',
    trackers: [new JsonlTracker(dir)],
    logger: memoryLogger(),
    ...options,
  }).fit()
  return dir
}

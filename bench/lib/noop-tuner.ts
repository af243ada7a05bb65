/** The overhead benchmark's hyperpool contender: no-op trials over the 10-parameter space, as the package ships. */
import { Tuner } from 'hyperpool'
import { NOOP_SPACE } from './noop-space.ts'
import { makeDataset } from './ridge.ts'
import { sibling } from './sibling.ts'

/**
 * A Tuner of `trials` no-op trials on `threads` threads, with the 1 MB dataset shared and no tracker; `storageDir`:
 * a folder for its journal, as by default, or false for none; `trainable`: the module beside this one that runs
 * them. Seeded, so every run proposes the same configs.
 */
export function noopTuner(trials: number, threads: number, storageDir: string | false, trainable = 'trainable'): Tuner {
  return new Tuner({
    trainable: sibling(trainable, import.meta.url),
    space: NOOP_SPACE,
    metric: 'loss',
    numSamples: trials,
    concurrency: threads,
    data: makeDataset(1, true),
    storageDir,
    name: 'overhead',
    trackers: [],
    logLevel: 'warn',
    seed: 1,
  })
}

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deserialize } from 'node:v8'
import { describe, expect, it } from 'vitest'
import {
  type Decision,
  FIFOScheduler,
  GridSearch,
  grid,
  type Result,
  type ResumePlan,
  type RunCandidates,
  type RunChoice,
  type TrialInfo,
  Tuner,
} from '../../src/index.ts'
import { BEHAVIOURS, memoryLogger } from '../helpers.ts'

/** Pauses every trial once, at iteration `at`, and resumes paused trials only when no new trial is left. */
class PauseOnce extends FIFOScheduler {
  readonly paused = new Set<number>()
  constructor(readonly at: number) {
    super()
  }
  override onTrialResult(trial: TrialInfo, result: Result): Decision {
    if (result.training_iteration === this.at && !this.paused.has(trial.id)) {
      this.paused.add(trial.id)
      return 'pause'
    }
    return 'continue'
  }
  choose({ paused, canCreate }: RunCandidates): RunChoice {
    return canCreate ? 'new' : paused[0]
  }
}

/** Trial 1 resumes from trial 0's checkpoint with x = 100: PBT's exploit and explore in miniature. */
class CloneFirst extends PauseOnce {
  beforeResume(trial: TrialInfo): ResumePlan | undefined {
    return trial.id === 1 ? { config: { ...trial.config, x: 100 }, restoreFrom: 0 } : undefined
  }
}

function tuner(scheduler: FIFOScheduler, storageDir: string) {
  return new Tuner({
    trainable: BEHAVIOURS,
    space: { behaviour: 'checkpointed', x: grid([1, 2]), epochs: 5 },
    search: new GridSearch(),
    scheduler,
    metric: 'loss',
    numSamples: 1,
    concurrency: 1,
    trackers: [],
    logger: memoryLogger(),
    storageDir,
    name: 'pause',
    seed: 3,
  })
}

describe('pause and resume through checkpoints', () => {
  it('frees the worker on pause and resumes each trial where its checkpoint left it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperpool-pause-'))
    const results = await tuner(new PauseOnce(2), dir).fit()
    for (const trial of results.trials) {
      expect(trial.state).toBe('completed')
      expect(trial.history.map((r) => r.epoch)).toEqual([1, 2, 3, 4, 5])
      expect(trial.history.map((r) => r.training_iteration)).toEqual([1, 2, 3, 4, 5])
    }
    // Each trial keeps its newest two checkpoints on disk, behind a 48-byte header (length and checksum).
    const folder = join(dir, 'pause', 'checkpoints', 'trial_0001')
    const files = readdirSync(folder).sort()
    expect(files).toHaveLength(2)
    expect(files[1]).toBe('000005.ckpt')
    const saved = deserialize(readFileSync(join(folder, '000005.ckpt')).subarray(48)) as { epoch: number; weight: Float64Array }
    expect(saved.epoch).toBe(5)
    expect(saved.weight).toBeInstanceOf(Float64Array)
  })

  it('resumes a trial paused after its newest checkpoint: the report re-done on the way is not paused again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperpool-pause-'))
    // Paused at report 2, whose checkpoint is the one before report 1: the resumed run re-does report 2.
    // Were that report answered with the pause again, the trial would pause for ever: the signal ends that.
    const abort = new AbortController()
    let starts = 0
    const tracker = {
      onTrialStart: () => {
        if (++starts > 10) abort.abort()
      },
    }
    const results = await new Tuner({
      trainable: BEHAVIOURS,
      space: { behaviour: 'sparse-checkpoints', x: grid([1, 2]), epochs: 4 },
      search: new GridSearch(),
      scheduler: new PauseOnce(2),
      metric: 'loss',
      numSamples: 1,
      concurrency: 1,
      trackers: [tracker],
      logger: memoryLogger(),
      storageDir: dir,
      name: 'sparse',
      signal: abort.signal,
      seed: 3,
    }).fit()
    expect(results.trials.map((t) => [t.state, t.history.map((r) => r.epoch)])).toEqual([
      ['completed', [1, 2, 3, 4]],
      ['completed', [1, 2, 3, 4]],
    ])
    expect(starts).toBe(4)
  })

  it('resumes a trial from another trial checkpoint with a new config when the scheduler plans it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperpool-clone-'))
    const results = await tuner(new CloneFirst(2), dir).fit()
    const [first, second] = results.trials
    expect(first?.history.map((r) => r.weight)).toEqual([1, 1, 1, 1, 1])
    // Trial 1 ran epochs 1-2 with its own weight 2, then took trial 0's checkpoint (epoch 5, weight 1): nothing left to run.
    expect(second?.history.map((r) => [r.epoch, r.weight])).toEqual([
      [1, 2],
      [2, 2],
    ])
    expect(second?.config.x).toBe(100)
    expect(second?.state).toBe('completed')
  })
})

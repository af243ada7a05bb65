import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { serialize } from 'node:v8'
import type { Logger } from '../logger.ts'

/**
 * The latest checkpoint of every trial: in memory for resuming, and on disk
 * under the experiment's folder (`checkpoints/trial_<id>.bin`, v8-serialized,
 * so typed arrays survive) so it outlives the process. Writes for one trial
 * are chained, and each goes through a temporary file, so a crash leaves the
 * previous checkpoint whole.
 */
export class CheckpointStore {
  readonly #dir: string
  readonly #logger: Logger
  readonly #latest = new Map<number, unknown>()
  readonly #writes = new Map<number, Promise<void>>()
  #created = false
  #warned = false

  constructor(dir: string, logger: Logger) {
    this.#dir = dir
    this.#logger = logger
  }

  /** Path of a trial's checkpoint file. */
  file(trialId: number): string {
    return join(this.#dir, `trial_${String(trialId).padStart(4, '0')}.bin`)
  }

  save(trialId: number, state: unknown): void {
    this.#latest.set(trialId, state)
    const file = this.file(trialId)
    const previous = this.#writes.get(trialId) ?? Promise.resolve()
    const write = previous.then(async () => {
      // The newest state wins: a save queued behind this one makes this write moot.
      if (this.#latest.get(trialId) !== state) return
      try {
        if (!this.#created) {
          await mkdir(this.#dir, { recursive: true })
          this.#created = true
        }
        await writeFile(`${file}.tmp`, serialize(state))
        await rename(`${file}.tmp`, file)
      } catch (error) {
        // Resuming still works from memory; the disk copy is what is lost, so say it once.
        if (this.#warned) return
        this.#warned = true
        this.#logger.warn(`checkpoints not written to ${this.#dir} (kept in memory only): ${(error as Error).message}`)
      }
    })
    this.#writes.set(trialId, write)
  }

  latest(trialId: number): unknown {
    return this.#latest.get(trialId)
  }

  /** Resolves once every checkpoint is on disk. */
  async flush(): Promise<void> {
    await Promise.all(this.#writes.values())
  }
}

import { defineOptions, type SchemaOf } from '../options/index.ts'
import type { Decision, Result, TrialInfo } from '../types.ts'
import { readSetup } from './common.ts'
import type { Scheduler, SchedulerSetup } from './scheduler.ts'

/**
 * Options of {@link FIFOScheduler}: none, so any key is refused rather than ignored.
 *
 * @example
 * ```ts
 * const options: FIFOOptions = {}
 * ```
 */
export type FIFOOptions = Record<string, never>

export const FIFO_OPTIONS = defineOptions('FIFOScheduler', {} satisfies SchemaOf<FIFOOptions>)

/**
 * Runs every trial to its end, in the order they were created. The default.
 *
 * @example
 * ```ts
 * new Tuner({ ...options, scheduler: new FIFOScheduler() })
 * ```
 */
export class FIFOScheduler implements Scheduler {
  constructor(options?: FIFOOptions) {
    FIFO_OPTIONS.read(options)
  }

  setup(options: SchedulerSetup): void {
    // It decides nothing from the setup, but a scheduler driven by hand still gets its typos named. It ranks no
    // trials, so several objectives are fine: it names the first as the one it would rank by.
    readSetup('FIFOScheduler', options, (options as SchedulerSetup | null)?.metric)
  }
  /**
   * True: it never stops a trial on a report (see `Scheduler.alwaysContinues`), so reports need no round
   * trip. False for a subclass with its own `onTrialResult`, which may decide.
   *
   * @example
   * ```ts
   * new FIFOScheduler().alwaysContinues // true
   * ```
   */
  get alwaysContinues(): boolean {
    return this.onTrialResult === FIFOScheduler.prototype.onTrialResult
  }

  onTrialAdd(_trial: TrialInfo): void {}
  onTrialResult(_trial: TrialInfo, _result: Result): Decision {
    return 'continue'
  }
  onTrialComplete(_trial: TrialInfo, _result: Result | undefined): void {}
}

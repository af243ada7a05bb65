import type { Decision, Result, TrialInfo } from '../types.ts'
import { readSetup } from './common.ts'
import type { Scheduler, SchedulerSetup } from './scheduler.ts'

/**
 * Runs every trial to its end, in the order they were created. The default.
 *
 * @example
 * ```ts
 * new Tuner({ ...options, scheduler: new FIFOScheduler() })
 * ```
 */
export class FIFOScheduler implements Scheduler {
  setup(options: SchedulerSetup): void {
    // It decides nothing from the setup, but a scheduler driven by hand still gets its typos named.
    readSetup('FIFOScheduler', options)
  }
  onTrialAdd(_trial: TrialInfo): void {}
  onTrialResult(_trial: TrialInfo, _result: Result): Decision {
    return 'continue'
  }
  onTrialComplete(_trial: TrialInfo, _result: Result | undefined): void {}
}

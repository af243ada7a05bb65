import type { Decision, Result, TrialInfo } from '../types.ts'
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
  setup(_options: SchedulerSetup): void {}
  onTrialAdd(_trial: TrialInfo): void {}
  onTrialResult(_trial: TrialInfo, _result: Result): Decision {
    return 'continue'
  }
  onTrialComplete(_trial: TrialInfo, _result: Result | undefined): void {}
}

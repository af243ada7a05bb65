import type { ExperimentInfo } from '../types.ts'

/**
 * What the trackers hear of the experiment this session runs: the recorded description, with a restore's session
 * number and the concurrency it runs with (not the recorded one), and the folder it opened.
 *
 * @example
 * ```ts
 * sessionInfo(experiment, 2, 4, 'runs/exp1') // { ...experiment, session: 2, concurrency: 4, dir: 'runs/exp1' }
 * ```
 */
export function sessionInfo(experiment: ExperimentInfo, session: number, concurrency: number, dir: string | undefined): ExperimentInfo {
  return {
    ...experiment,
    ...(session === 1 ? {} : { session, concurrency }),
    ...(dir === undefined ? {} : { dir }),
  }
}

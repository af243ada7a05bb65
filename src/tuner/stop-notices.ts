import { countOf } from '../format.ts'
import { fingerprintData } from '../journal/fingerprint.ts'
import type { Logger } from '../logger.ts'
import type { ExperimentSummary } from '../types.ts'
import type { ExperimentRun } from './experiment.ts'
import { resumeCode } from './restore.ts'
import type { ExperimentStore } from './storage.ts'

/** What the notices need to name the code that resumes the experiment. */
export interface ResumeContext {
  readonly logger: Logger
  /** The experiment's data: its fingerprint goes into the resume code. */
  readonly data: unknown
  /** The code that builds the executor again (`ExecutorFactory.code`); undefined: the local pool. */
  readonly executorCode: string | undefined
}

/**
 * A first stop signal: says what happens now and how to exit at once, then interrupts the run.
 *
 * @example
 * ```ts
 * onStopSignals((signal) => interruptOnSignal(run, signal, stopGraceMs, logger), (signal) => exitNow(store, signal, context))
 * ```
 */
export function interruptOnSignal(run: ExperimentRun, signal: string, stopGraceMs: number, logger: Logger): void {
  logger.warn(
    `${signal}: ending the experiment: running trials stop at their next report (within ${stopGraceMs} ms); ${signal === 'SIGINT' ? 'press Ctrl-C' : 'send it'} again to exit at once`,
  )
  run.interrupt('signal', signal)
}

/**
 * A second signal: write what the journal holds and release the folder now, as the process exits without waiting.
 *
 * @example
 * ```ts
 * exitNow(store, 'SIGINT', { logger, data, executorCode: undefined })
 * ```
 */
export function exitNow(store: ExperimentStore | undefined, signal: string, context: ResumeContext): void {
  store?.close()
  context.logger.warn(
    store === undefined
      ? `${signal} again: exiting now; nothing was kept on disk (storageDir: false)`
      : `${signal} again: exiting now; the journal is valid; resume with: ${resumeCode(store.dir, fingerprintData(context.data), context.executorCode)}`,
  )
}

/**
 * After an interrupt, the one line that says what happened and what to run to continue; `plannedTrials` tells whether
 * anything is left to run (failFast at the plan's last trial leaves nothing).
 *
 * @example
 * ```ts
 * sayHowToResume(run, summary, 20, tuner.dir, { logger, data, executorCode: undefined })
 * ```
 */
export function sayHowToResume(
  run: ExperimentRun,
  summary: ExperimentSummary,
  plannedTrials: number,
  dir: string | undefined,
  context: ResumeContext,
): void {
  const interrupted = run.interrupted
  if (interrupted === undefined || !interrupted.resumable || run.fatal !== undefined) return
  const { completed, stopped, errored } = summary.states
  const finished = completed + stopped + errored
  if (finished === run.trials.length && run.trials.length >= plannedTrials) {
    const all = plannedTrials === 1 ? 'its one planned trial has' : `all ${plannedTrials} planned trials have`
    const retry = errored > 0 && dir !== undefined ? ' (Tuner.restore with retryErrored: true runs the errored ones again)' : ''
    context.logger.warn(`the experiment ended early (${interrupted.why}), but ${all} finished: nothing is left to resume${retry}`)
    return
  }
  const done = finishedOfStarted(finished, run.trials.length)
  if (dir === undefined) {
    context.logger.warn(
      `the experiment ended early (${interrupted.why}); ${done}. It kept nothing on disk (storageDir: false), so it cannot be resumed`,
    )
    return
  }
  // A restore leaves errored trials as they ended (failFast's, say): say how to run them again too.
  const again =
    errored > 0
      ? ` (with retryErrored: true in its options, the ${countOf(errored, 'errored trial')} run${errored === 1 ? 's' : ''} again too)`
      : ''
  context.logger.warn(
    `the experiment ended early (${interrupted.why}); ${done}, the rest can be resumed. Continue it with: ${resumeCode(dir, fingerprintData(context.data), context.executorCode)}${again}`,
  )
}

/**
 * How many of the trials started have finished, worded for every count: "0 of 1 trials started have finished"
 * read as a typo, so none, one and all get their own words, and the verb agrees with the count.
 *
 * @example
 * ```ts
 * finishedOfStarted(0, 2) // 'none of the 2 trials started has finished'
 * finishedOfStarted(14, 16) // '14 of 16 trials started have finished'
 * ```
 */
export function finishedOfStarted(finished: number, started: number): string {
  if (started === 0) return 'no trial had started'
  if (started === 1) return `the one trial started has${finished === 1 ? '' : ' not'} finished`
  if (finished === 0) return `none of the ${countOf(started, 'trial')} started has finished`
  if (finished === started) return `all ${countOf(started, 'trial')} started have finished`
  return `${finished} of ${countOf(started, 'trial')} started ${finished === 1 ? 'has' : 'have'} finished`
}

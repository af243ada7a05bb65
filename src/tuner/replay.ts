import { JournalError } from '../errors.ts'
import { countOf } from '../format.ts'
import { encodeEvent, type JsonlEvent } from '../journal/codec.ts'
import type { JournalFile, JournalLine } from '../journal/read.ts'
import type { Logger } from '../logger.ts'
import type { Executor } from '../workers/executor.ts'
import type { ExperimentRun } from './experiment.ts'
import { isRunCheck } from './loop-state.ts'
import type { ReplayCheck } from './run-record.ts'
import type { ExperimentStore } from './storage.ts'

/**
 * What a journal line is to the loop: something it was told (`input`),
 * something it decided (`output`, checked), the start of a later session, or
 * a line that changes nothing in the loop.
 */
function roleOf(event: JsonlEvent): 'input' | 'output' | 'session' | 'none' {
  switch (event.event) {
    case 'result':
    case 'checkpoint':
    case 'retry':
      return 'input'
    case 'trial_start':
      return event.relaunch ? 'input' : 'output'
    case 'decision':
      return 'output'
    case 'trial_end':
      return event.outcome === undefined ? 'output' : 'input'
    case 'interrupt':
      return event.cause === 'failFast' ? 'output' : 'input'
    case 'session':
      return 'session'
    default:
      return 'none'
  }
}

/**
 * The journal's lines in the order the loop met them. After a resumable
 * interrupt, a session only wrote its inputs down (reports and ends that
 * arrived while trials stopped); the next session handed them on first,
 * right after its `session` line and its retries, and wrote what they led to.
 * So they are taken out of the stream and handed on again at that session's
 * start (`carried`, by the stream index of its `session` line); those of the
 * last session are returned apart (`last`), for the session a restore is
 * about to begin.
 */
function sequence(lines: readonly JournalLine[]): { stream: JournalLine[]; carried: Map<number, JournalLine[]>; last: JournalLine[] } {
  const stream: JournalLine[] = []
  const carried = new Map<number, JournalLine[]>()
  let kept: JournalLine[] = []
  let interrupted = false
  for (const item of lines) {
    const role = roleOf(item.event)
    if (role === 'session') {
      carried.set(stream.length, kept)
      stream.push(item)
      kept = []
      interrupted = false
    } else if (interrupted) {
      if (role === 'input') kept.push(item)
    } else {
      stream.push(item)
      if (item.event.event === 'interrupt' && item.event.resumable) interrupted = true
    }
  }
  return { stream, carried, last: kept }
}

/**
 * Replays a journal through `run`, which must be fresh and built with the
 * recorded settings: every input goes to the loop in the order it first
 * came, and every decision the loop makes is checked against the line the
 * journal has for it. Throws a {@link JournalError} naming the first line
 * where they differ, or the error a searcher or scheduler threw again.
 * Returns the decisions the loop made past the journal's end (its last turn
 * was cut off before they were written: the restore appends them), the
 * number of sessions so far and the inputs the new session hands on first.
 *
 * @example
 * ```ts
 * const { unwritten } = replayJournal(run, await readJournal('runs/exp1'), 2)
 * ```
 */
export function replayJournal(
  run: ExperimentRun,
  journal: JournalFile,
  concurrency: number,
): { unwritten: JsonlEvent[]; sessions: number } {
  const { stream, carried, last } = sequence(journal.events.slice(2))
  const unwritten: JsonlEvent[] = []
  let next = 0
  let sessions = 1
  const at = (item: JournalLine) => `${journal.path} line ${item.line}`
  const check: ReplayCheck = {
    output(event) {
      const expected = stream[next]
      if (expected === undefined) {
        unwritten.push(event)
        return event
      }
      if (roleOf(expected.event) !== 'output' || !sameDecision(expected.event, event)) {
        throw new JournalError(
          `${at(expected)}: the journal records ${brief(expected.event)} where the restored run makes ${brief(event)}; the searcher, the scheduler, their options or hyperpool changed since the run. Restore with the same ones, or start a new experiment (loadExperiment still reads this one)`,
          { field: 'dir' },
        )
      }
      next++
      return expected.event
    },
  }
  /** Hands one input to the loop; what goes wrong is told with the input's line. */
  const apply = (item: JournalLine) => {
    try {
      run.apply(item.event)
    } catch (error) {
      throw located(error, item)
    }
    failed(item)
  }
  const located = (error: unknown, item: JournalLine) =>
    !(error instanceof JournalError) || error.message.startsWith(journal.path)
      ? error
      : new JournalError(`${at(item)}: ${error.message}`, { field: 'dir', cause: error })
  /** A searcher or scheduler that throws again where the run ended: the restore stops, saying so. */
  const failed = (item: JournalLine) => {
    const fatal = run.fatal
    if (fatal === undefined) return
    if (fatal instanceof JournalError) throw located(fatal, item)
    if (isRunCheck(fatal)) {
      // The run's own check (a trainable that did not load, a metric never reported) ended it: a replay ends it the same way.
      throw new JournalError(
        `${at(item)}: the experiment ended here (${fatal.message}), and a restore replays that end; start a new experiment with the fix (loadExperiment still reads this one)`,
        { field: 'dir', cause: fatal },
      )
    }
    throw new JournalError(
      `${at(item)}: replaying the journal, the searcher or scheduler threw: ${(fatal as Error)?.message ?? String(fatal)}; fix it and restore again`,
      { field: 'dir', cause: fatal },
    )
  }
  run.beginReplay(check, concurrency)
  while (next < stream.length) {
    const item = stream[next] as JournalLine
    const role = roleOf(item.event)
    if (role === 'output') {
      // A decision no input led to: the launches that fill the slots when a session starts.
      run.fillSlots()
      failed(item)
      if (stream[next] === item) {
        throw new JournalError(
          `${at(item)}: the journal records ${brief(item.event)} which the restored run does not make; the searcher, the scheduler, their options or hyperpool changed since the run`,
          { field: 'dir' },
        )
      }
      continue
    }
    const index = next++
    if (role === 'input') apply(item)
    else if (role === 'session') {
      sessions++
      run.replaySession((item.event as { concurrency: number }).concurrency)
      // As the session began: its retries, then what the session before kept after its interrupt.
      while (stream[next]?.event.event === 'retry') apply(stream[next++] as JournalLine)
      for (const kept of carried.get(index) ?? []) apply(kept)
    }
  }
  run.endReplay(
    sessions,
    last.map((item) => item.event),
  )
  return { unwritten, sessions }
}

/** Whether the loop's decision is the one the journal records; which checkpoint a launch used is the journal's to say. */
function sameDecision(recorded: JsonlEvent, made: JsonlEvent): boolean {
  if (recorded.event === 'trial_start' && made.event === 'trial_start') {
    const { trial: a, donor: da } = recorded
    const { trial: b, donor: db } = made
    return (
      a.id === b.id &&
      (a.attempt ?? 1) === b.attempt &&
      a.seed === b.seed &&
      da === db &&
      JSON.stringify(a.config) === JSON.stringify(b.config)
    )
  }
  if (recorded.event === 'trial_end' && made.event === 'trial_end')
    return recorded.trial.id === made.trial.id && recorded.trial.state === made.trial.state
  return encodeEvent(recorded) === encodeEvent(made)
}

/** A short description of an event for an error message. */
function brief(event: JsonlEvent): string {
  switch (event.event) {
    case 'trial_start':
      return `trial ${event.trial.id} (attempt ${event.trial.attempt ?? 1}) starting with config ${JSON.stringify(event.trial.config)}${event.donor === undefined ? '' : ` from trial ${event.donor}'s checkpoint`}`
    case 'decision':
      return `a ${event.decision} of trial ${event.trial_id} at report ${event.iteration}`
    case 'trial_end':
      return `trial ${event.trial.id} ending ${event.trial.state}`
    case 'interrupt':
      return `an interrupt (${event.why})`
    default:
      return `a "${event.event}" line`
  }
}

/**
 * `fit()` of a restored experiment: replays the journal into `run`, writes the lines the last session left unwritten,
 * and says what it restored; returns the number of the session about to begin. On a failed replay the executor is
 * closed, as no trial will run on it.
 *
 * @example
 * ```ts
 * const session = journal === undefined ? 1 : replayIntoRun(run, journal, experiment.concurrency, { store, executor, logger, dir })
 * ```
 */
export function replayIntoRun(
  run: ExperimentRun,
  journal: JournalFile,
  concurrency: number,
  at: {
    readonly store: ExperimentStore | undefined
    readonly executor: Executor
    readonly logger: Logger
    readonly dir: string | undefined
  },
): number {
  try {
    const { unwritten, sessions } = replayJournal(run, journal, concurrency)
    for (const event of unwritten) at.store?.writer.append(event)
    const finished = run.trials.filter((t) => t.state === 'completed' || t.state === 'stopped' || t.state === 'errored').length
    at.logger.info(
      `${at.dir}: restored ${countOf(run.trials.length, 'trial')} (${finished} finished, ${run.trials.length - finished} to restart) (session ${sessions + 1})`,
    )
    return sessions + 1
  } catch (error) {
    void at.executor.close()
    throw error
  }
}

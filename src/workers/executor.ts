import type { Logger } from '../logger.ts'
import type { Config, Decision, Metrics, TrialOutput } from '../types.ts'
import type { TrialOutcome } from './protocol.ts'

/** One trial run handed to an executor. */
export interface TrialRun {
  readonly trialId: number
  readonly config: Config
  readonly seed: number
  /** The checkpoint to resume from, if any. */
  readonly restore?: unknown
  /**
   * Set when the driver answers 'continue' to every report of this run unless one of these metrics is NaN (a diverged
   * trial ends at that report) or the run was told to end (`stop`): an executor may then resolve such a report at once
   * and send it one way, as long as the listener hears every report, in order, before the end, and a stop still lands
   * at the next report. Undefined: every report waits for its answer.
   */
  readonly oneWay?: readonly string[]
}

/** What the executor hands back while a trial runs. */
export interface TrialListener {
  /**
   * A report; the answer (possibly later: the trial waits for it) goes back before its `report` resolves. `madeAt`
   * (`performance.now()` of this thread) is when a report that travelled one way was made; undefined: just now.
   */
  report(metrics: Metrics, madeAt?: number): Decision | Promise<Decision>
  /** A checkpoint the trial saved. */
  checkpoint(state: unknown): void
  /**
   * The trainable is loaded and starts running (after the thread's start and the module's import, if this run paid for them).
   * Leave it out when nothing needs it: an executor may then save the message that tells it.
   */
  started?(): void
  /**
   * When the run's trainable was called (`performance.now()` of this thread), told once, with its first report or
   * its end: the run's clock counts from there, leaving out the thread's start and the module's import. An
   * executor that cannot tell leaves it unsaid, and the run's clock counts from `start`.
   */
  began?(at: number): void
  /**
   * A worker took the run off the executor's queue: told once per run by an executor whose runs can wait for a
   * worker ({@link Executor.queues}). Leave it out when nothing needs it.
   */
  taken?(): void
}

/** A running trial: its end, and a way to ask it to end early. */
export interface TrialHandle {
  /** Settles when the trial's task ends; never rejects (failures are an `errored` outcome). */
  readonly done: Promise<TrialOutcome>
  /** Ends the trial at its next report and aborts its `ctx.signal`. */
  stop(decision?: Exclude<Decision, 'continue'>): void
  /** Ends the trial now, whatever it is doing (its thread is replaced). */
  kill(): void
}

/**
 * Where trials run. The Tuner only talks to this seam: the local worker pool
 * is one executor; a remote one plugs in the same way.
 *
 * @example
 * ```ts
 * const handle = executor.start({ trialId: 0, config, seed }, { report: () => 'continue', checkpoint() {} })
 * const outcome = await handle.done
 * ```
 */
export interface Executor {
  /** How many trials can run at once. */
  readonly slots: number
  /**
   * Runs can wait in a queue until a worker takes them (each run then tells its listener's `taken`): a per-run
   * time limit starts there, not at `start`. Leave it out for an executor that starts every run at once.
   */
  readonly queues?: boolean
  start(run: TrialRun, listener: TrialListener): TrialHandle
  /** Ends every thread; call once, after the last trial ended. */
  close(): Promise<void>
}

/** What an executor built for one experiment is told of it (see {@link ExecutorFactory}). */
export interface ExecutorSetup {
  /** The experiment's name; a remote executor names its queue and keys after it. */
  readonly name: string
  /** The trainable module's file URL. */
  readonly trainable: string
  /** Trials at once (the Tuner's `concurrency`): the executor's `slots`. */
  readonly slots: number
  /** The Tuner's heap cap per worker thread, MB (`maxHeapMb`), if it set one: remote workers apply it too. */
  readonly maxHeapMb?: number | undefined
  /** The experiment data, already in shared memory (see `shareData`); undefined when none. */
  readonly data: unknown
  /** Where the executor logs what the experiment's user should hear (a worker joined, one was lost). */
  readonly logger: Logger
  /** What the trials print, tagged by trial (the Tuner routes it to the trial logs). */
  readonly onOutput: (output: TrialOutput) => void
}

/**
 * Builds the executor of one experiment: what the Tuner's `executor` option
 * takes (for example a `RedisExecutor`). Without one the Tuner runs trials
 * on its local pool of worker threads.
 *
 * @example
 * ```ts
 * const executor = await factory.open({ name: 'exp1', trainable, slots: 4, data, logger, onOutput })
 * ```
 */
export interface ExecutorFactory {
  open(setup: ExecutorSetup): Promise<Executor>
  /**
   * This executor as code (secrets left out), e.g. `new RedisExecutor({ connection: "redis://host:6379" })`:
   * the resume hint of an interrupted run passes it to `Tuner.restore`, which would otherwise continue on the local pool.
   */
  readonly code?: string
}

// Kept in the published .d.ts: its types use Node's, which newer TypeScript loads only when asked.
/// <reference types="node" preserve="true" />
import { ReportError } from '../errors.ts'
import { createRandom } from '../search/rng.ts'
import type { Decision, Metrics } from '../types.ts'
import { checkMetrics } from './check-metrics.ts'
import type { OutputMessage, ReportMessage, RunMessage, TrialTask } from './protocol.ts'
import { type TrialContext, TrialStopSignal } from './trial-context.ts'

/** A trial's context and what its worker reads of it once the trainable is done. */
export interface TrialScope<D> {
  readonly ctx: TrialContext<D>
  /** Tells the driver that the trainable starts: its time limit counts from here. */
  started(): void
  /**
   * The trainable is about to be called, by a run that waited for its thread's start and the module's import: the
   * run's first report tells the driver when (see `ReportMessage.began`), so its `time_total_s` leaves them out.
   */
  calling(): void
  /** When the trainable was called, if no report told the driver yet: the run's result tells it then. */
  untoldBegan(): number | undefined
  /**
   * The trainable has been called and runs (up to its first await): a stop that came before, while
   * its task was on the way or its module loading, aborts `ctx.signal` now, so a listener the
   * trainable added as it started hears it.
   */
  running(): void
  /** Takes a decision the driver sent for this run: the answer to the waiting report, or an unprompted stop. */
  decide(decision: Decision): void
  /** The stop or pause the driver told the trial, if any. */
  ended(): Exclude<Decision, 'continue'> | undefined
  /** The report the trainable made before awaiting the previous one, if it did: the trial fails with it. */
  misuse(): ReportError | undefined
  /**
   * Settles once the driver has answered the last report that waited for an answer (a report the trainable
   * did not await has then been recorded); undefined when no report waited.
   */
  answered(): Promise<unknown> | undefined
  /** How many messages the run has sent (started, reports, checkpoints): the driver sees them all before the trial's end. */
  sent(): number
  /** The run has ended: a report or checkpoint the trainable still makes (from a timer) is dropped, and says so. */
  close(): void
}

/** What a trial's context is built from: the parts of its task it needs. */
export type ContextTask = Pick<TrialTask, 'trialId' | 'seed' | 'restore' | 'run'> & Partial<Pick<TrialTask, 'oneWay'>>

/** How one-way reports leave (see `TrialTask.oneWay`): held for a while (see `Outbox`), with a look for stops first. */
export interface OneWayLink {
  /** Sends a one-way report, now or with what follows it. */
  hold(report: ReportMessage): void
  /** Takes the driver's messages waiting on the link now, so a stop told meanwhile lands at this report. */
  poll(): void
}

/**
 * Builds the context of one run; `post` sends its messages to the driver (on
 * the thread's link), and the driver's decisions come back through
 * {@link TrialScope.decide}. With `task.oneWay` and a `oneWay` link, a report
 * the driver would only answer 'continue' resolves at once and travels one way.
 * Nothing here is made for a trial that does not use it: `ctx.random` and
 * `ctx.signal` are built on first use.
 */
export function createContext<D>(
  task: ContextTask,
  data: D,
  post: (message: RunMessage | OutputMessage) => void,
  oneWay?: OneWayLink,
): TrialScope<D> {
  return new RunScope(task, data, post, oneWay)
}

/**
 * One run's state and what its worker reads of it. A class, not closures over a function's locals: a run's
 * context is made for every trial, and a dozen closures and two accessor pairs each time cost a no-op trial
 * more than the rest of its worker side did.
 */
class RunScope<D> implements TrialScope<D> {
  readonly ctx: TrialContext<D>
  readonly #task: ContextTask
  readonly #post: (message: RunMessage | OutputMessage) => void
  readonly #oneWay: OneWayLink | undefined
  /** The metrics whose NaN makes a report wait for its answer; undefined: every report waits. */
  readonly #watched: readonly string[] | undefined
  #controller: AbortController | undefined = undefined
  #begun = false
  #random: (() => number) | undefined = undefined
  #ending: Exclude<Decision, 'continue'> | undefined = undefined
  #misuse: ReportError | undefined = undefined
  #waiting: ((decision: Decision) => void) | undefined = undefined
  /** The last report that waited for its answer; undefined before the first. */
  #answered: Promise<unknown> | undefined = undefined
  /** A one-way report was made in this microtask: one made before it settles was not awaited (misuse, as for a waiting one). */
  #settling = false
  #sent = 0
  /** The run has ended (see `close`). */
  #over = false
  /** A call after the run ended has been told on its stderr (see `#dropped`). */
  #toldDropped = false
  /** When the trainable was called (ms since the epoch, as `ReportMessage.at`), until a report tells the driver. */
  #began: number | undefined = undefined

  constructor(task: ContextTask, data: D, post: (message: RunMessage | OutputMessage) => void, oneWay: OneWayLink | undefined) {
    this.#task = task
    this.#post = post
    this.#oneWay = oneWay
    this.#watched = oneWay === undefined ? undefined : task.oneWay
    this.ctx = new RunContext(this, task, data)
  }

  started(): void {
    this.#send({ type: 'started', run: this.#task.run })
  }

  calling(): void {
    this.#began = performance.timeOrigin + performance.now()
  }

  untoldBegan(): number | undefined {
    return this.#began
  }

  /** `report`, and when the trainable was called if no report said it yet (a thread's first run only: see `calling`). */
  #telling(report: ReportMessage): ReportMessage {
    const began = this.#began
    return began === undefined ? report : { ...report, began }
  }

  running(): void {
    this.#begun = true
    if (this.#ending) this.#controller?.abort(new TrialStopSignal(this.#ending))
  }

  decide(decision: Decision): void {
    if (decision !== 'continue' && this.#ending === undefined) {
      this.#ending = decision
      if (this.#begun) this.#controller?.abort(new TrialStopSignal(decision))
    }
    const resolve = this.#waiting
    this.#waiting = undefined
    resolve?.(decision)
  }

  ended(): Exclude<Decision, 'continue'> | undefined {
    return this.#ending
  }

  misuse(): ReportError | undefined {
    return this.#misuse
  }

  answered(): Promise<unknown> | undefined {
    return this.#answered
  }

  sent(): number {
    return this.#sent
  }

  close(): void {
    this.#over = true
  }

  /**
   * A report or checkpoint made after the run ended, which nothing receives any more: the trial's stderr says it
   * was dropped (as output written after its run), once a run, so an interval left calling it does not flood it.
   * Nothing is thrown: the caller is a timer or callback that outlived the run, where a throw or a rejection it
   * awaits would end the thread, and fail the trial running on it next.
   */
  #dropped(call: string): void {
    if (this.#toldDropped) return
    this.#toldDropped = true
    const text =
      `hyperpool: ${call}: called after trial ${this.#task.trialId}'s run had ended, so it was dropped (and any later ` +
      'report or checkpoint of this run); await every ctx.report before the trainable returns, and clear the timers ' +
      'that call it\n'
    this.#post({ type: 'output', run: this.#task.run, trialId: this.#task.trialId, late: true, chunks: [['stderr', text]] })
  }

  /** `ctx.random`. */
  random(): () => number {
    this.#random ??= createRandom(this.#task.seed)
    return this.#random
  }

  /** `ctx.signal`. */
  signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.#ending && this.#begun) this.#controller.abort(new TrialStopSignal(this.#ending))
    }
    return this.#controller.signal
  }

  /** `ctx.report`. */
  report(metrics: Metrics): Promise<void> {
    let sending: Promise<void>
    try {
      if (this.#over) {
        this.#dropped('ctx.report(metrics)')
        // Never settles: a loop the trainable left running, awaiting its reports, parks here instead of running on
        // through the next trials on this thread; with nothing else holding it, the promise and the loop are collected.
        return new Promise<void>(() => {})
      }
      // A one-way report is done once handed over: no async function, no promise of its own (it runs for every report).
      if (this.#sentOneWay(metrics)) return DONE
      sending = this.#sendAndWait(metrics)
    } catch (error) {
      sending = Promise.reject(error)
    }
    // A report nobody awaits must not reject unhandled: that ends the thread later, and the trial running
    // on it then (the next one) would be blamed. Whoever awaits still gets the rejection.
    sending.catch(ignore)
    return sending
  }

  /** `ctx.checkpoint`. */
  checkpoint(state: unknown): void {
    if (this.#over) {
      this.#dropped('ctx.checkpoint(state)')
      return
    }
    this.#send({ type: 'checkpoint', run: this.#task.run, state })
  }

  /** `ctx.restore`. */
  restore<T>(): T | undefined {
    return this.#task.restore as T | undefined
  }

  #send(message: RunMessage): void {
    this.#post(message)
    this.#sent++
  }

  /**
   * The part of a report that runs at once: the checks, then, when it may travel one way, the hand-over to the
   * link. True: it went one way, and the report is done. Throws what the report rejects with.
   */
  #sentOneWay(metrics: Metrics): boolean {
    if (this.#ending) throw new TrialStopSignal(this.#ending)
    checkMetrics(metrics, 'ctx.report(metrics)')
    if (this.#waiting || this.#settling) {
      // Kept to fail this trial when it ends, even if nothing awaits this call: the report was lost.
      this.#misuse ??= new ReportError(
        'ctx.report(metrics): called again before the previous report was awaited, so this report was dropped; await every ctx.report',
        { field: 'ctx.report' },
      )
      throw this.#misuse
    }
    const link = this.#oneWay
    const watched = this.#watched
    if (watched === undefined || link === undefined) return false
    link.poll()
    if (this.#ending) throw new TrialStopSignal(this.#ending)
    if (diverges(metrics, watched)) return false
    this.#settling = true
    queueMicrotask(this.#settled)
    holdReport(link, this.#telling({ type: 'report', run: this.#task.run, metrics, at: performance.timeOrigin + performance.now() }))
    this.#began = undefined
    return true
  }

  readonly #settled = (): void => {
    this.#settling = false
  }

  /** A report that waits for the driver's answer. */
  async #sendAndWait(metrics: Metrics): Promise<void> {
    try {
      this.#send(this.#telling({ type: 'report', run: this.#task.run, metrics }))
      // Only once a report carried it: one that could not be sent leaves it for the next, or for the result.
      this.#began = undefined
    } catch (error) {
      throw unsendable(error)
    }
    const answer = new Promise<Decision>((resolve) => {
      this.#waiting = resolve
    })
    this.#answered = answer
    const decision = await answer
    if (decision !== 'continue') throw new TrialStopSignal(decision)
  }
}

/** Where a context keeps its run: a symbol, not a `#` field, so a Proxy of ctx or `Object.create(ctx)` reads it too. */
const SCOPE = Symbol('scope')

/**
 * What a trainable gets: `report`, `checkpoint` and `restore` stay the run's own functions, so a trainable may
 * pass them around unbound; `random` and `signal` are built on first use.
 */
class RunContext<D> implements TrialContext<D> {
  readonly trialId: number
  readonly seed: number
  readonly data: D
  readonly report: (metrics: Metrics) => Promise<void>
  readonly checkpoint: (state: unknown) => void
  readonly restore: <T = unknown>() => T | undefined
  declare readonly random: () => number
  declare readonly signal: AbortSignal
  readonly [SCOPE]: RunScope<D>

  constructor(scope: RunScope<D>, task: ContextTask, data: D) {
    this[SCOPE] = scope
    this.trialId = task.trialId
    this.seed = task.seed
    this.data = data
    this.report = (metrics) => scope.report(metrics)
    this.checkpoint = (state) => scope.checkpoint(state)
    this.restore = <T>() => scope.restore<T>()
    Object.defineProperties(this, LAZY_MEMBERS)
  }
}

/**
 * `random` and `signal` as own, enumerable getters, as on the plain object a context was before it became a
 * class: `{ ...ctx, data }` still carries them. Made once and shared by every context.
 */
const LAZY_MEMBERS: PropertyDescriptorMap = {
  random: {
    enumerable: true,
    get(this: RunContext<unknown>): () => number {
      return this[SCOPE].random()
    },
  },
  signal: {
    enumerable: true,
    get(this: RunContext<unknown>): AbortSignal {
      return this[SCOPE].signal()
    },
  },
}

/** What a one-way report returns: settled already, and shared, since nothing about it differs between reports. */
const DONE: Promise<void> = Promise.resolve()

function ignore(): void {}

/** Whether one of `metrics` is NaN: the driver ends a diverged trial at that report, so it waits for the answer. */
function diverges(metrics: Metrics, watched: readonly string[]): boolean {
  for (const name of watched) if (Number.isNaN(metrics[name])) return true
  return false
}

/** Hands a one-way report to the link; what cannot be sent is the trainable's error, as for any report. */
function holdReport(link: OneWayLink, report: ReportMessage): void {
  try {
    link.hold(report)
  } catch (error) {
    throw unsendable(error)
  }
}

function unsendable(error: unknown): ReportError {
  return new ReportError(`ctx.report(metrics): cannot be sent to the driver (${(error as Error).message})`, {
    field: 'metrics',
    cause: error,
  })
}

import { className, countOf } from '../format.ts'
import type { Logger } from '../logger.ts'
import type { Tracker } from './tracker.ts'

type Hook = keyof Tracker

interface Lane {
  readonly tracker: Tracker
  /** How messages name the tracker (see {@link trackerLabel}). */
  readonly label: string
  /** The async call in progress; undefined while idle, so sync trackers are called directly. */
  busy: Promise<void> | undefined
  readonly queue: Array<readonly [Hook, readonly unknown[]]>
  dropped: number
  readonly warned: Set<string>
}

/**
 * Delivers events to several trackers. Each tracker gets its events in order;
 * a tracker that is busy with an async call gets later ones queued (bounded),
 * so a slow tracker never slows the trials. A tracker that throws is logged
 * as a warning, once per hook, and keeps receiving events.
 *
 * @example
 * ```ts
 * const hub = new TrackerHub([new JsonlTracker('runs/a')], logger)
 * hub.emit('onTrialStart', trial)
 * await hub.flush(30_000)
 * ```
 */
export class TrackerHub {
  readonly #lanes: Lane[]
  readonly #logger: Logger
  readonly #maxQueue: number

  /**
   * `optionStart`: where the `trackers` option's first tracker sits in `trackers` (the Tuner puts its own before
   * them), so a plain object is named by its place in the option the user wrote.
   */
  constructor(trackers: readonly Tracker[], logger: Logger, options: { maxQueue?: number; optionStart?: number } = {}) {
    const optionStart = options.optionStart ?? 0
    this.#lanes = trackers.map((tracker, index) => ({
      tracker,
      label: trackerLabel(tracker, index - optionStart),
      busy: undefined,
      queue: [],
      dropped: 0,
      warned: new Set(),
    }))
    this.#logger = logger
    this.#maxQueue = options.maxQueue ?? 100_000
  }

  emit<H extends Hook>(hook: H, ...args: Parameters<NonNullable<Tracker[H]>>): void {
    let frozen: readonly unknown[] | undefined
    for (const lane of this.#lanes) {
      if (typeof lane.tracker[hook] !== 'function') continue
      if (lane.busy === undefined) {
        this.#call(lane, hook, args)
      } else if (lane.queue.length < this.#maxQueue) {
        // A queued event is delivered later: it gets the trial as it is now, not as it will be then.
        frozen ??= args.map(snapshot)
        lane.queue.push([hook, frozen])
      } else {
        lane.dropped++
        this.#warnOnce(lane, 'queue', `${lane.label} is falling behind: more than ${this.#maxQueue} events queued; dropping events`)
      }
    }
  }

  /** Waits until every tracker has handled its queue, at most `timeoutMs`; warns about what was not delivered. */
  async flush(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs)
    })
    const idle = async (lane: Lane) => {
      while (lane.busy) await lane.busy
    }
    const outcome = await Promise.race([Promise.all(this.#lanes.map(idle)).then(() => 'done' as const), timeout])
    clearTimeout(timer)
    for (const lane of this.#lanes) {
      const lost = lane.dropped + (outcome === 'timeout' ? lane.queue.length + (lane.busy ? 1 : 0) : 0)
      if (lost > 0) this.#logger.warn(`${lane.label}: ${countOf(lost, 'event')} not delivered`)
    }
  }

  /** Calls one hook; while an async call runs, later events wait in the lane's queue and are drained in order. */
  #call(lane: Lane, hook: Hook, args: readonly unknown[]): void {
    let returned: unknown
    try {
      const method = lane.tracker[hook] as (...a: unknown[]) => unknown
      returned = method.apply(lane.tracker, args as unknown[])
    } catch (error) {
      this.#fail(lane, hook, error)
      return
    }
    if (!(returned instanceof Promise)) return
    lane.busy = returned.then(
      () => this.#next(lane),
      (error: unknown) => {
        this.#fail(lane, hook, error)
        this.#next(lane)
      },
    )
  }

  #next(lane: Lane): void {
    lane.busy = undefined
    while (lane.busy === undefined && lane.queue.length > 0) {
      const [hook, args] = lane.queue.shift() as readonly [Hook, readonly unknown[]]
      this.#call(lane, hook, args)
    }
  }

  #fail(lane: Lane, hook: Hook, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error)
    this.#warnOnce(lane, hook, `${lane.label}.${hook} failed: ${message} (further failures of this hook are not shown)`)
  }

  #warnOnce(lane: Lane, key: string, message: string): void {
    if (lane.warned.has(key)) return
    lane.warned.add(key)
    this.#logger.warn(message)
  }
}

/**
 * A tracker as messages name it: `tracker MyLogger` for a class instance; the class name alone when it already says
 * tracker (`MLflowTracker`); `trackers[1]` (its place in the option) for a plain object, which has no name of its
 * own (naming it `tracker` gave "tracker tracker.onTrialEnd failed").
 *
 * @example
 * ```ts
 * trackerLabel({ onTrialEnd() {} }, 1) // 'trackers[1]'
 * ```
 */
export function trackerLabel(tracker: Tracker, index: number): string {
  const name = className(tracker)
  if (name === undefined) return `trackers[${index}]`
  return /tracker$/i.test(name) ? name : `tracker ${name}`
}

function snapshot(arg: unknown): unknown {
  const live = arg as { snapshot?: () => unknown } | null
  return typeof live?.snapshot === 'function' ? live.snapshot() : arg
}

/**
 * Typed errors. Every error hyperpool throws is a {@link HyperpoolError}; the
 * subclasses say which part of the input or the run was at fault, and the
 * message names the field, the rule and the bad value.
 *
 * @example
 * ```ts
 * try { uniform(3, 1) } catch (e) {
 *   if (e instanceof SpaceError) console.log(e.field, e.message)
 * }
 * ```
 */
export class HyperpoolError extends Error {
  /** Dotted path of the offending input, e.g. `space.optimizer.lr`; empty when not about one field. */
  readonly field: string

  constructor(message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.field = options.field ?? ''
    Object.defineProperty(this, CLASSES, { value: classNames(new.target) })
  }

  /**
   * `instanceof` that also holds across copies of hyperpool's error classes in one thread: a worker thread runs its
   * own bundle of hyperpool's code, and a trainable that imports 'hyperpool' gets the package's, so the stop signal
   * the worker throws must pass `instanceof TrialStopSignal` against the trainable's class, and the other way. Only
   * hyperpool's own classes (marked by `ownErrorClasses` below) compare by name: a subclass of yours, whatever its name,
   * answers by prototype alone.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class on the right of instanceof (ConfigError, say), which subclasses inherit this from.
    // biome-ignore lint/complexity/noThisInStatic: the class asked, not HyperpoolError
    const asked: { readonly name: string } = this
    if (Function.prototype[Symbol.hasInstance].call(asked, value)) return true
    if (!Object.hasOwn(asked, OWN)) return false
    const names = typeof value === 'object' && value !== null ? (value as { [CLASSES]?: unknown })[CLASSES] : undefined
    return Array.isArray(names) && names.includes(asked.name)
  }
}

/** Where an error keeps the names of hyperpool's classes it is an instance of: a key every copy of this module shares. */
const CLASSES = Symbol.for('hyperpool.classes')
/** The mark of hyperpool's own error classes, the ones compared by name. */
const OWN = Symbol.for('hyperpool.own-error-class')

/** Of `type` and the classes it extends, hyperpool's own: what `instanceof` in another copy compares by name. */
function classNames(type: abstract new (...args: never[]) => unknown): readonly string[] {
  const names: string[] = []
  for (let at: unknown = type; typeof at === 'function' && at !== Error; at = Object.getPrototypeOf(at)) {
    if (Object.hasOwn(at, OWN)) names.push(at.name)
  }
  return Object.freeze(names)
}

/**
 * Marks classes as hyperpool's own errors, which `instanceof` recognises across copies of the package by name.
 * For the classes a worker thread and a trainable can both hold: every class here, and `TrialStopSignal`.
 *
 * @example
 * ```ts
 * ownErrorClasses(TrialStopSignal)
 * ```
 */
export function ownErrorClasses(...types: ReadonlyArray<abstract new (...args: never[]) => HyperpoolError>): void {
  for (const type of types) Object.defineProperty(type, OWN, { value: true })
}

/**
 * A search space or one of its domains is invalid.
 *
 * @example
 * ```ts
 * loguniform(0, 1) // SpaceError: loguniform(low, high): needs 0 < low < high, got low=0, high=1
 * ```
 */
export class SpaceError extends HyperpoolError {}

/**
 * An option or argument given to hyperpool is invalid: a Tuner's, a
 * searcher's, a scheduler's or a tracker's option, an argument of a method, a
 * plugin that breaks its contract, a path with no experiment log.
 *
 * @example
 * ```ts
 * new Tuner({ ...opts, numSamples: 0 }) // ConfigError: Tuner({ numSamples }): must be an integer >= 1, got 0
 * ```
 */
export class ConfigError extends HyperpoolError {}

/**
 * The `data` option holds a value that cannot be placed in shared memory.
 *
 * @example
 * ```ts
 * new Tuner({ ...opts, data: { when: new Date() } }) // DataError: data.when: ...
 * ```
 */
export class DataError extends HyperpoolError {}

/**
 * A trial failed: the trainable threw, its worker exited, or it ran out of memory.
 * Found on `trial.error`; the experiment itself goes on. Its stack is its own line
 * only: where the trial failed is in its `cause`'s stack.
 *
 * @example
 * ```ts
 * for (const t of results.errors) console.log(t.id, t.error?.message)
 * ```
 */
export class TrialError extends HyperpoolError {
  /** The trial that failed. */
  readonly trialId: number

  constructor(trialId: number, message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, field: `trial ${trialId}` })
    this.trialId = trialId
    // Built in the driver, its frames would name the Tuner's code: where the trial failed is its cause's stack.
    this.stack = `${this.name}: ${message}`
  }
}

/**
 * An error as plain fields: the one shape in which an error crosses a thread (structured clone), a process (Redis)
 * or a journal line (JSON, where a missing stack is `null`). `cause` is the error's own cause, as fields too, at most
 * five levels deep (`CAUSE_DEPTH`).
 *
 * @example
 * ```ts
 * const error: SerializedError = { name: 'RangeError', message: 'boom', stack: undefined, cause: { name: 'Error', message: 'disk full' } }
 * ```
 */
export interface SerializedError {
  readonly name: string
  readonly message: string
  readonly stack?: string | null | undefined
  readonly cause?: SerializedError
}

/** How many levels of `cause` an error keeps as it crosses: enough for a chain of wrappers, and a cycle ends there. */
export const CAUSE_DEPTH = 5

/**
 * The plain form of what a trainable threw (an Error or anything else), its `cause` chain kept to
 * {@link CAUSE_DEPTH} levels; a cause that is not an Error is kept as its printed value.
 *
 * @example
 * ```ts
 * serializeError(new Error('load failed', { cause: new Error('ENOENT') })).cause?.message // 'ENOENT'
 * serializeError('oops').message // 'non-Error thrown: "oops"'
 * serializeError({ code: 'E_DATA' }).message // 'non-Error thrown: {"code":"E_DATA"}'
 * ```
 */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return errorFields(error, CAUSE_DEPTH)
  // show(), as for a cause: String() of a thrown object is '[object Object]', which loses all it said.
  return { name: 'Error', message: `non-Error thrown: ${show(error)}`, stack: undefined }
}

function errorFields(error: Error, depth: number): SerializedError {
  const fields = { name: error.name, message: error.message, stack: error.stack }
  if (depth === 0 || error.cause === undefined) return fields
  const { cause } = error
  return {
    ...fields,
    cause: cause instanceof Error ? errorFields(cause, depth - 1) : { name: 'Error', message: `non-Error cause: ${show(cause)}` },
  }
}

/** An Error rebuilt from its fields, its cause chain too (to {@link CAUSE_DEPTH} levels). */
function rebuildError(fields: SerializedError, depth = CAUSE_DEPTH): Error {
  const cause = fields.cause === undefined || depth === 0 ? undefined : rebuildError(fields.cause, depth - 1)
  return Object.assign(new Error(fields.message, cause === undefined ? undefined : { cause }), {
    name: fields.name,
    stack: fields.stack ?? undefined,
  })
}

/**
 * The one way a {@link TrialError} is built from an error's fields. From `failure` alone (what the trial's task
 * failed with, across a thread or a process): named after the trial and the failure, the failure kept as its
 * cause (with its own cause chain). Given `recorded` (the trial's error as a journal stored it), its name, message and stack are kept as they
 * were, and `failure` (the journal's `thrown`) is its cause when `recorded` was built from it (not, say, a
 * DivergedError), so a restored trial's error is the one the Tuner had.
 *
 * @example
 * ```ts
 * toTrialError(3, { name: 'RangeError', message: 'boom' }).message // 'trial 3: RangeError: boom'
 * toTrialError(3, thrown, stored) // as the journal stored it, `thrown` its cause
 * ```
 */
export function toTrialError(trialId: number, failure: SerializedError): TrialError
export function toTrialError(trialId: number, failure: SerializedError | undefined, recorded: SerializedError): TrialError
export function toTrialError(trialId: number, failure: SerializedError | undefined, recorded?: SerializedError): TrialError {
  const built = failure === undefined ? undefined : `trial ${trialId}: ${failure.name}: ${failure.message}`
  const cause = failure !== undefined && (recorded === undefined || recorded.message === built) ? rebuildError(failure) : undefined
  // The overloads give `failure` or `recorded`, so one of the messages is there.
  const error = new TrialError(trialId, (recorded?.message ?? built) as string, cause === undefined ? {} : { cause })
  if (recorded !== undefined) {
    error.name = recorded.name
    // None rather than the loader's: this stack would point at the journal reader, not at where the trial failed.
    error.stack = recorded.stack ?? `${recorded.name}: ${recorded.message}`
  }
  return error
}

/**
 * A trainable used its context wrongly: `ctx.report` given something that is
 * not a plain object of metrics, or a value the log cannot store (a BigInt, a
 * function, a symbol, a class instance such as a Date or a Map, a circular or
 * too deeply nested object), or called again before the last report was
 * awaited; or the trainable returned something other than nothing or metrics.
 * `field` names the offending metric, e.g. `metrics.loss`. Thrown inside the
 * worker, so it reaches the driver as the cause of the trial's
 * {@link TrialError} (unless the trainable catches it); `Study.report` and
 * `Study.tell` throw it directly.
 *
 * @example
 * ```ts
 * await ctx.report([loss]) // ReportError: ctx.report(metrics): must be a plain object of name -> value, got [0.3]
 * await ctx.report({ loss: 1n }) // ReportError: ctx.report(metrics): metrics.loss: must be ..., got 1n (a BigInt)
 * ```
 */
export class ReportError extends HyperpoolError {}

/**
 * A trial's worker thread failed under it: it ran out of memory (see the
 * Tuner's `maxHeapMb`), exited, or was ended after the stop grace period or
 * when its run exceeded `trialTimeoutS`.
 * Found as the cause of the trial's {@link TrialError}.
 *
 * @example
 * ```ts
 * results.errors[0]?.error?.message // "trial 3: WorkerError: the trial's worker ran out of memory (...)"
 * ```
 */
export class WorkerError extends HyperpoolError {}

/**
 * A tracker could not record: its file or server failed, or a hook came
 * before `onExperimentStart`. The Tuner logs these and goes on; they reach
 * you when you drive a tracker yourself.
 *
 * @example
 * ```ts
 * new JsonlTracker('runs/x').onTrialStart(trial) // TrackerError: JsonlTracker("runs/x"): no experiment is open; ...
 * ```
 */
export class TrackerError extends HyperpoolError {}

/**
 * A query on results could not be answered, e.g. `best()` when no trial reported the metric.
 *
 * @example
 * ```ts
 * results.best('accuracy', 'max') // ResultError if no trial reported `accuracy`
 * ```
 */
export class ResultError extends HyperpoolError {}

/**
 * An experiment's journal cannot be used: it is damaged, or a restore
 * replaying it made other decisions than the journal records (the searcher,
 * the scheduler, their options or hyperpool changed since the run). The
 * message names the file and the line.
 *
 * @example
 * ```ts
 * await Tuner.restore('runs/exp1') // JournalError: runs/exp1/experiment.jsonl line 212: the journal records ...
 * ```
 */
export class JournalError extends HyperpoolError {}

/**
 * Formats a value for an error message: strings quoted, numbers and the rest
 * as JSON-like text; typed arrays and buffers by type and length
 * (`Float64Array[1000]`), never their contents; and anything longer than a
 * line cut short with its size, so a message never carries a 20 KB dump.
 */
export function show(value: unknown): string {
  const text = showWhole(value)
  return text.length <= SHOWN_CHARS ? text : `${text.slice(0, SHOWN_CHARS)}… (${text.length} characters)`
}

/** What {@link show} keeps of a long value. */
const SHOWN_CHARS = 200

function showWhole(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  if (value === undefined) return 'undefined'
  if (value === null) return 'null'
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return sizeOf(value)
  if (Array.isArray(value)) return `[${value.map(showWhole).join(', ')}]`
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null
  if (proto !== null && proto !== Object.prototype) return `a ${proto.constructor?.name ?? 'object'} instance`
  try {
    return JSON.stringify(value, (_key, item: unknown) =>
      ArrayBuffer.isView(item) || item instanceof ArrayBuffer || item instanceof SharedArrayBuffer ? sizeOf(item) : item,
    )
  } catch {
    return String(value)
  }
}

/** `Float64Array[1000]`, `ArrayBuffer(4096 bytes)`: what a binary value is, without its bytes. */
function sizeOf(value: ArrayBufferView | ArrayBufferLike): string {
  if ('length' in value && typeof value.length === 'number') return `${value.constructor.name}[${value.length}]`
  return `${value.constructor.name}(${value.byteLength} bytes)`
}

/**
 * A trial's metric became NaN: the trial ended as errored with this error,
 * and is not retried (a seeded rerun would diverge the same way). Searchers
 * and schedulers rank it below every trial with a number.
 *
 * @example
 * ```ts
 * const diverged = results.errors.filter((t) => t.error instanceof DivergedError)
 * ```
 */
export class DivergedError extends TrialError {
  /** The metric that became NaN. */
  readonly metric: string
  /** The `training_iteration` of the result where it did. */
  readonly iteration: number

  constructor(trialId: number, metric: string, iteration: number) {
    super(trialId, `trial ${trialId}: diverged: ${metric} is NaN at iteration ${iteration}`)
    this.metric = metric
    this.iteration = iteration
  }
}

ownErrorClasses(
  HyperpoolError,
  SpaceError,
  ConfigError,
  DataError,
  TrialError,
  ReportError,
  WorkerError,
  TrackerError,
  ResultError,
  JournalError,
  DivergedError,
)

import { ConfigError, show } from '../errors.ts'

/**
 * Where an input sits, for an error's message and its `field`: an option
 * (`Tuner({ stop.maxIterations })`, field `stop.maxIterations`), an argument
 * (`CsvTracker(dir)`, field `dir`), or a bare path when nobody owns it.
 *
 * @example
 * ```ts
 * optionAt('Tuner', 'stop').child('maxIterations').label // 'Tuner({ stop.maxIterations })'
 * ```
 */
export class Place {
  constructor(
    /** The function or class the input was given to, e.g. `Tuner` or `Study.tell`; '' for none. */
    readonly owner: string,
    /** The dotted path of the input: what the error's `field` says. */
    readonly field: string,
    /** True for a positional argument, shown `owner(field)`; false for an option, shown `owner({ field })`. */
    readonly argument = false,
  ) {}

  /** How messages name the place. */
  get label(): string {
    if (this.owner === '') return this.field
    return this.argument ? `${this.owner}(${this.field})` : `${this.owner}({ ${this.field} })`
  }

  /** The place of `key` inside this place's object. */
  child(key: string): Place {
    return new Place(this.owner, `${this.field}.${key}`, this.argument)
  }

  /** The place of item `index` of this place's array. */
  item(index: number): Place {
    return new Place(this.owner, `${this.field}[${index}]`, this.argument)
  }
}

/**
 * The place of option `path` of `owner`'s options object.
 *
 * @example
 * ```ts
 * optionAt('ASHAScheduler', 'maxT').label // 'ASHAScheduler({ maxT })'
 * ```
 */
export function optionAt(owner: string, path: string): Place {
  return new Place(owner, path)
}

/**
 * The place of the positional argument `name` of `owner`.
 *
 * @example
 * ```ts
 * argumentAt('Study.tell', 'state').label // 'Study.tell(state)'
 * ```
 */
export function argumentAt(owner: string, name: string): Place {
  return new Place(owner, name, true)
}

/**
 * The house error for a value that breaks a rule: `<place>: must be <rule>, got <value>`.
 *
 * @example
 * ```ts
 * throw invalid(optionAt('Tuner', 'numSamples'), 'an integer >= 1', 0)
 * // ConfigError: Tuner({ numSamples }): must be an integer >= 1, got 0
 * ```
 */
export function invalid(at: Place, rule: string, value: unknown): ConfigError {
  return problemAt(at, `must be ${rule}, got ${show(value)}`)
}

/**
 * A {@link ConfigError} about `at` whose problem is not one rule on one value,
 * e.g. a file that does not exist: `<place>: <problem>`.
 *
 * @example
 * ```ts
 * throw problemAt(optionAt('Tuner', 'trainable'), 'no such file /tmp/x.ts')
 * ```
 */
export function problemAt(at: Place, problem: string, cause?: unknown): ConfigError {
  return new ConfigError(`${at.label}: ${problem}`, { field: at.field, cause })
}

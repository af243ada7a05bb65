/**
 * The one place that checks options: every public constructor and function
 * declares its options as a schema (name -> kind, with range and default)
 * and reads them with it, so every option is refused, guessed at and
 * defaulted the same way, and every message names the owner, the field, the
 * rule and the bad value.
 *
 * @example
 * ```ts
 * export const ASHA_OPTIONS = defineOptions('ASHAScheduler', {
 *   maxT: number({ above: 0 }).withDefault(100),
 * } satisfies SchemaOf<ASHAOptions>)
 * const { maxT } = ASHA_OPTIONS.read(options)
 * ```
 */
export {
  MAX_TIMER_MS,
  METRIC,
  METRICS,
  MODE,
  MODES,
  objectivesFrom,
  PATH,
  SEED,
  TIMER_MS,
  TIMER_S,
  TRACKER_WAIT_MS,
} from './common.ts'
export { didYouMean, nearName } from './guess.ts'
export {
  type AnyKind,
  arrayOf,
  type Bounds,
  boolean,
  Computed,
  computed,
  custom,
  Deferred,
  func,
  integer,
  isObject,
  isPlainObject,
  Kind,
  number,
  oneOf,
  orAuto,
  recordOf,
  satisfying,
  text,
  withMethods,
} from './kinds.ts'
export { argumentAt, invalid, optionAt, Place, problemAt } from './place.ts'
export { check, defineOptions, NestedKind, nested, type OptionSet, type Resolved, type Schema, type SchemaOf } from './schema.ts'

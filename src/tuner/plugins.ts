import { show } from '../errors.ts'
import type { PluginSpec } from '../journal/codec.ts'
import { optionAt, problemAt } from '../options/index.ts'
import { ASHAScheduler } from '../scheduler/asha.ts'
import { FIFOScheduler } from '../scheduler/fifo.ts'
import { HyperBandScheduler } from '../scheduler/hyperband.ts'
import { MedianStoppingRule } from '../scheduler/median.ts'
import { PopulationBasedTraining } from '../scheduler/pbt.ts'
import type { Scheduler } from '../scheduler/scheduler.ts'
import { AutoSearch } from '../search/auto.ts'
import { GPSearch } from '../search/gp/gp.ts'
import { GridSearch } from '../search/grid.ts'
import { RandomSearch } from '../search/random.ts'
import type { Searcher } from '../search/searcher.ts'
import { defaultGamma, defaultWeights } from '../search/tpe/split.ts'
import { TPESearch } from '../search/tpe/tpe.ts'

/** TPE's options as the journal writes them: undefined when `gamma` or `weights` is a function of the user's, which JSON cannot hold. */
function tpeOptions({ gamma, weights, ...rest }: TPESearch['options']): Record<string, unknown> | undefined {
  return gamma === defaultGamma && weights === defaultWeights ? rest : undefined
}

/** How the journal records one built-in class and builds it again: its options as given, JSON-safe, or undefined when they are not. */
interface BuiltIn<T> {
  readonly type: abstract new (...args: never[]) => T
  readonly options: (instance: T) => Record<string, unknown> | undefined
  readonly create: (options: Record<string, unknown>) => T
}

function builtIn<T>(
  type: abstract new (...args: never[]) => T,
  options: (instance: T) => Record<string, unknown> | undefined,
  create: (options: Record<string, unknown>) => T,
): BuiltIn<unknown> {
  return { type, options, create } as BuiltIn<unknown>
}

/**
 * The built-in searchers and schedulers a restore can rebuild from the
 * journal. Each reads back the options the instance was made with (its
 * public fields); a searcher given functions (TPE's `gamma`, `weights`) cannot
 * be written down and must be passed to the restore. A new built-in belongs
 * here too, or its experiments need it passed.
 */
const BUILT_INS: Readonly<Record<string, BuiltIn<unknown>>> = {
  RandomSearch: builtIn(
    RandomSearch,
    ({ options }) => ({ ...options }),
    (options) => new RandomSearch(options),
  ),
  GridSearch: builtIn(
    GridSearch,
    ({ options }) => ({ ...options }),
    (options) => new GridSearch(options),
  ),
  TPESearch: builtIn(
    TPESearch,
    ({ options }) => tpeOptions(options),
    (options) => new TPESearch(options),
  ),
  GPSearch: builtIn(
    GPSearch,
    ({ options }) => ({ ...options }),
    (options) => new GPSearch(options),
  ),
  AutoSearch: builtIn(
    AutoSearch,
    ({ options: { tpe, ...rest } }) => {
      const written = tpeOptions(tpe)
      return written === undefined ? undefined : { ...rest, tpe: written }
    },
    (options) => new AutoSearch(options),
  ),
  FIFOScheduler: builtIn(
    FIFOScheduler,
    () => ({}),
    () => new FIFOScheduler(),
  ),
  ASHAScheduler: builtIn(
    ASHAScheduler,
    ({ timeAttr, maxT, gracePeriod, reductionFactor, brackets, metric }) => ({
      timeAttr,
      maxT,
      gracePeriod,
      reductionFactor,
      brackets,
      metric,
    }),
    (options) => new ASHAScheduler(options),
  ),
  HyperBandScheduler: builtIn(
    HyperBandScheduler,
    ({ timeAttr, maxT, reductionFactor, metric }) => ({ timeAttr, maxT, reductionFactor, metric }),
    (options) => new HyperBandScheduler(options),
  ),
  MedianStoppingRule: builtIn(
    MedianStoppingRule,
    ({ timeAttr, gracePeriod, minSamplesRequired, hardStop, metric }) => ({ timeAttr, gracePeriod, minSamplesRequired, hardStop, metric }),
    (options) => new MedianStoppingRule(options),
  ),
  PopulationBasedTraining: builtIn(
    PopulationBasedTraining,
    (p) => ({
      hyperparamMutations: p.hyperparamMutations,
      timeAttr: p.timeAttr,
      perturbationInterval: p.perturbationInterval,
      burnInPeriod: p.burnInPeriod,
      quantileFraction: p.quantileFraction,
      resampleProbability: p.resampleProbability,
      perturbationFactors: p.perturbationFactors,
      metric: p.metric,
    }),
    (options) => new PopulationBasedTraining(options as unknown as ConstructorParameters<typeof PopulationBasedTraining>[0]),
  ),
}

/**
 * A searcher or scheduler as the journal records it: its class name, and its
 * options when it is a built-in (exactly, not a subclass) a restore can
 * rebuild from them; null options otherwise.
 *
 * @example
 * ```ts
 * describePlugin(new ASHAScheduler({ maxT: 50 })) // { type: 'ASHAScheduler', options: { timeAttr: 'training_iteration', maxT: 50, ... } }
 * ```
 */
export function describePlugin(plugin: object): PluginSpec {
  const type = plugin.constructor?.name ?? 'Object'
  const known = Object.hasOwn(BUILT_INS, type) ? BUILT_INS[type] : undefined
  const options = known !== undefined && plugin.constructor === known.type ? known.options(plugin) : undefined
  return { type, options: options ?? null }
}

/**
 * The searcher or scheduler of a restored experiment: `given` (checked to be
 * of the recorded class), else the built-in rebuilt from its recorded options.
 * A custom one that is not given is a {@link ConfigError} saying to pass it.
 *
 * @example
 * ```ts
 * const search = rebuildPlugin<Searcher>(header.search, 'search', options.search)
 * ```
 */
export function rebuildPlugin<T extends Searcher | Scheduler>(spec: PluginSpec, field: 'search' | 'scheduler', given: T | undefined): T {
  if (given !== undefined) {
    const type = (given as object).constructor?.name
    if (type !== spec.type) {
      throw problemAt(
        optionAt('Tuner.restore', field),
        `the experiment ran with a ${spec.type}, got ${show(given)}; pass the same class, with the same options`,
      )
    }
    return given
  }
  const known = Object.hasOwn(BUILT_INS, spec.type) ? BUILT_INS[spec.type] : undefined
  if (known === undefined || spec.options === null) {
    throw problemAt(
      optionAt('Tuner.restore', field),
      `the experiment ran with a ${spec.type} that cannot be rebuilt from the journal (a custom class, or options that are functions); pass it again: Tuner.restore(dir, { ${field}: new ${spec.type}(...) }) with the same options`,
    )
  }
  return known.create(spec.options) as T
}

/**
 * The searcher's class, and for an AutoSearch the searcher it chose: what the console, the report and the trackers
 * show (an experiment's `searcher`).
 *
 * @example
 * ```ts
 * searcherName(new AutoSearch()) // 'AutoSearch (GPSearch)' once set up on a small numeric space
 * ```
 */
export function searcherName(searcher: Searcher): string {
  const name = searcher.constructor.name
  if (!(searcher instanceof AutoSearch) || searcher.choice === undefined) return name
  return `${name} (${searcher.choice === 'gp' ? 'GPSearch' : 'TPESearch'})`
}

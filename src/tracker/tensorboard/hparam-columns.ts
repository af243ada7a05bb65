import type { Domain } from '../../search/domain.ts'
import { flattenConfig, flattenSpace } from '../../search/flatten.ts'
import { onGrid, qRange } from '../../search/quantize.ts'
import { isDomain, validateSpace } from '../../search/space.ts'
import type { Config, TrialState } from '../../types.ts'
import type { HParamInfo, HParamType, HParamValue, SessionStatus } from './hparams.ts'

/**
 * One hyperparameter column of the HParams dashboard: its info for the
 * experiment summary and where a trial's config holds its value.
 *
 * @example
 * ```ts
 * const column: HParamColumn = { path: ['opt', 'lr'], info: { name: 'opt/lr', type: 'float64', interval: [1e-4, 0.1], differs: true } }
 * ```
 */
export interface HParamColumn {
  readonly path: readonly string[]
  readonly info: HParamInfo
}

/**
 * A config value as the column's type holds it. A string column also holds
 * what is not a string (a mixed or non-scalar `choice`, an array constant) as
 * its JSON text, so a session's value is always one of the column's discrete
 * values. Undefined when a number or bool column gets something else.
 */
function asHParamValue(value: unknown, type: HParamType): HParamValue | undefined {
  if (type === 'string') return typeof value === 'string' ? value : JSON.stringify(value)
  if (type === 'float64') return typeof value === 'number' ? value : undefined
  return typeof value === 'boolean' ? value : undefined
}

/** A discrete column over `values`: numbers, bools or strings when they all are, else their texts. */
function discreteInfo(name: string, values: readonly unknown[]): HParamInfo {
  const type: HParamType = values.every((v) => typeof v === 'number')
    ? 'float64'
    : values.every((v) => typeof v === 'boolean')
      ? 'bool'
      : 'string'
  const distinct = [...new Set(values.map((v) => asHParamValue(v, type) as HParamValue))]
  return { name, type, discrete: distinct, differs: distinct.length > 1 }
}

function intervalInfo(name: string, min: number, max: number): HParamInfo {
  return { name, type: 'float64', interval: [min, max], differs: min < max }
}

/** The info of a domain: the closed interval of the numbers it draws, or the set of values it picks from. */
function domainInfo(name: string, domain: Domain): HParamInfo {
  switch (domain.$domain) {
    case 'uniform':
    case 'loguniform':
      return intervalInfo(name, domain.low, domain.high)
    case 'quniform':
    case 'qloguniform':
    case 'qrandint': {
      const { first, last } = qRange(domain.low, domain.high, domain.q)
      return intervalInfo(name, onGrid(first, domain.q), onGrid(last, domain.q))
    }
    case 'randint':
    case 'lograndint':
      return intervalInfo(name, domain.low, domain.high - 1) // high is excluded
    case 'randn':
      return { name, type: 'float64', differs: true } // unbounded: no domain means any number
    case 'choice':
    case 'grid':
      return discreteInfo(name, domain.values)
  }
}

/**
 * The HParams columns of a search space (its JSON form, as an experiment
 * carries it): one per domain or constant, named by its key path joined with
 * `/`, as nested metrics are. Throws a `SpaceError` when `space` is not a
 * valid space.
 *
 * @example
 * ```ts
 * hparamColumns({ opt: { lr: loguniform(1e-4, 0.1) }, layers: randint(1, 5), act: choice(['relu', 'tanh']), epochs: 10 })
 * // opt/lr: float64 in [1e-4, 0.1]; layers: float64 in [1, 4]; act: string of relu, tanh; epochs: float64 of 10, not differing
 * ```
 */
export function hparamColumns(space: unknown): HParamColumn[] {
  validateSpace(space)
  return flattenSpace(space).map(({ path, value }) => {
    const name = path.join('/')
    return { path, info: isDomain(value) ? domainInfo(name, value) : discreteInfo(name, [value]) }
  })
}

/**
 * A trial's values for the columns, in column order; a column whose path the
 * config lacks is left out (so are a conditional space's branches the trial
 * did not take: their columns are read from `flattenConfig(config, space)`).
 *
 * @example
 * ```ts
 * sessionHParams(hparamColumns({ opt: { lr: uniform(0, 1) } }), { opt: { lr: 0.5 } }, space) // [['opt/lr', 0.5]]
 * ```
 */
export function sessionHParams(columns: readonly HParamColumn[], config: Config, space?: unknown): Array<[string, HParamValue]> {
  const out: Array<[string, HParamValue]> = []
  const flat = flattenConfig(config, space)
  for (const { path, info } of columns) {
    // By name first (a branch's column, `model[svm]/C`, has no path in the config), else by path (a choice of constant objects).
    let node: unknown = Object.hasOwn(flat, info.name) ? flat[info.name] : config
    if (!Object.hasOwn(flat, info.name))
      for (const key of path)
        node = typeof node === 'object' && node !== null && Object.hasOwn(node, key) ? (node as Config)[key] : undefined
    const value = node === undefined ? undefined : asHParamValue(node, info.type)
    if (value !== undefined) out.push([info.name, value])
  }
  return out
}

/**
 * The HParams status of a trial that ended for good: a completed trial and
 * one a scheduler (or the experiment's end) stopped early both ended
 * cleanly with valid results, so both are a success; an errored trial is a
 * failure. Undefined for a trial that will go on (paused) or has not ended.
 *
 * @example
 * ```ts
 * sessionStatus('stopped') // 'success'
 * sessionStatus('paused')  // undefined
 * ```
 */
export function sessionStatus(state: TrialState): SessionStatus | undefined {
  if (state === 'completed' || state === 'stopped') return 'success'
  return state === 'errored' ? 'failure' : undefined
}

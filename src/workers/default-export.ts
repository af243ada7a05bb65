import { ConfigError, show } from '../errors.ts'
import type { TrialContext } from './trial-context.ts'

export type Trainable = (config: unknown, ctx: TrialContext) => unknown

/** How many of a module's function exports the error names: enough to spot the trainable, short for a module of helpers. */
const NAMED = 5

/**
 * The trainable in module `module`, imported from `url`: its default export. One that has none but
 * exports functions by name (`export function train`) most likely forgot `default`: the error names
 * them, so the fix is in the message.
 *
 * @example
 * ```ts
 * defaultExport('file:///app/train.mjs', { train })
 * // ConfigError: trainable file:///app/train.mjs: the module must default-export a function (config, ctx) => Promise<void | metrics>,
 * //   got undefined; it exports train: use export default train
 * ```
 */
export function defaultExport(url: string, module: { readonly default?: unknown; readonly [name: string]: unknown }): Trainable {
  if (typeof module.default === 'function') return module.default as Trainable
  throw new ConfigError(
    `trainable ${url}: the module must default-export a function (config, ctx) => Promise<void | metrics>, got ${show(module.default)}${hint(module)}`,
    { field: 'trainable' },
  )
}

/**
 * Names the module's function exports, if any, and how to make one the default: in CommonJS (its default is the
 * `module.exports` object, whose functions Node also exports by name) with `module.exports =`.
 */
function hint(module: { readonly default?: unknown }): string {
  const commonJs = typeof module.default === 'object' && module.default !== null
  const make = (name: string) => (commonJs ? `module.exports = ${name}` : `export default ${name}`)
  const functions = Object.entries(module)
    .filter(([name, value]) => name !== 'default' && typeof value === 'function')
    .map(([name]) => name)
  const [only, ...others] = functions
  if (only === undefined) return ''
  if (others.length === 0) return `; it exports ${only}: use ${make(only)}`
  const named =
    functions.length > NAMED ? `${functions.slice(0, NAMED).join(', ')} and ${functions.length - NAMED} more` : functions.join(', ')
  return `; it exports functions ${named}: default-export the one to run (${make(only)})`
}

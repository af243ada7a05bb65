import { SpaceError } from '../errors.ts'
import { argumentAt, invalid } from '../options/index.ts'
import { setOwn } from '../storable.ts'
import { asConditional, branchNames } from './branches.ts'
import type { Domain } from './domain.ts'
import { isDomain } from './domain.ts'
import { isPlainObject } from './json.ts'
import { branchOf } from './points-to-evaluate.ts'
import type { Constant, Space } from './space.ts'

/**
 * The leaves of a space (domains and constants) with their key paths, depth
 * first in key insertion order; searchers rely on this order being stable.
 * A choice over sub-spaces gives a leaf that picks its branch labels (see
 * `branchNames`), then each sub-space branch's leaves under `key[label]`,
 * its tag left out (the label says it): the columns {@link flattenConfig}
 * fills for a config of the space.
 *
 * @example
 * ```ts
 * flattenSpace({ opt: { lr: uniform(0, 1) }, epochs: 3 })
 * // [{ path: ['opt', 'lr'], value: uniform(0, 1) }, { path: ['epochs'], value: 3 }]
 * flattenSpace({ model: choice([{ kind: 'svm', C: uniform(0, 1) }, { kind: 'linear' }]) })
 * // [{ path: ['model'], value: choice(['svm', 'linear']) }, { path: ['model[svm]', 'C'], value: uniform(0, 1) }]
 * ```
 */
export function flattenSpace(space: Space): Array<{ path: string[]; value: Domain | Constant }> {
  const entries: Array<{ path: string[]; value: Domain | Constant }> = []
  const walk = (node: Space, prefix: string[]): void => {
    for (const [key, value] of Object.entries(node)) {
      const path = [...prefix, key]
      const branching = asConditional(value)
      if (branching !== undefined) {
        const { tag, labels } = branchNames(branching)
        entries.push({ path, value: { $domain: branching.$domain, values: labels } })
        branching.values.forEach((branch, index) => {
          if (isPlainObject(branch)) walk(withoutKey(branch as Space, tag), [...prefix, `${key}[${labels[index]}]`])
        })
      } else if (isDomain(value) || !isPlainObject(value)) entries.push({ path, value: value as Domain | Constant })
      else walk(value as Space, path)
    }
  }
  walk(space, [])
  return entries
}

/** `node` without key `key` (a branch's tag), as a copy; `node` itself when there is nothing to drop. */
function withoutKey<T extends Record<string, unknown>>(node: T, key: string | undefined): T {
  if (key === undefined || !Object.hasOwn(node, key)) return node
  const { [key]: _dropped, ...rest } = node
  return rest as T
}

/**
 * Rebuilds the nesting from key paths: the inverse of {@link flattenSpace} for
 * configs. Throws a {@link SpaceError} when a path is empty or runs through a leaf.
 *
 * @example
 * ```ts
 * unflatten([{ path: ['opt', 'lr'], value: 0.1 }, { path: ['epochs'], value: 3 }])
 * // { opt: { lr: 0.1 }, epochs: 3 }
 * ```
 */
export function unflatten(entries: ReadonlyArray<{ readonly path: readonly string[]; readonly value: unknown }>): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  for (const { path, value } of entries) {
    const last = path.at(-1)
    if (last === undefined) throw new SpaceError('unflatten(entries): needs non-empty paths, got []', { field: 'path' })
    let node = root
    for (const key of path.slice(0, -1)) {
      if (!Object.hasOwn(node, key)) setOwn(node, key, {})
      const child = node[key]
      if (!isPlainObject(child)) {
        throw new SpaceError(`unflatten(entries): path ${path.join('/')} runs through a leaf at ${key}`, { field: path.join('/') })
      }
      node = child
    }
    if (Object.hasOwn(node, last)) {
      throw new SpaceError(`unflatten(entries): path ${path.join('/')} is given twice or holds nested values`, { field: path.join('/') })
    }
    setOwn(node, last, value)
  }
  return root
}

/**
 * One level of keys for a nested config, joined by `/`, for tables and CSV
 * columns. Arrays and empty objects are leaves. Given the config's `space`
 * (or its JSON form), a choice over sub-spaces gives its branch's label
 * under its own key and the branch's values under `key[label]/...`, as
 * `flattenSpace` names them; the branches not taken give no column.
 *
 * @example
 * ```ts
 * flattenConfig({ optimizer: { lr: 1 }, sizes: [1, 2] }) // { 'optimizer/lr': 1, sizes: [1, 2] }
 * flattenConfig({ model: { kind: 'svm', C: 2 } }, { model: choice([{ kind: 'svm', C: uniform(0, 10) }, { kind: 'linear' }]) })
 * // { model: 'svm', 'model[svm]/C': 2 }
 * ```
 */
export function flattenConfig(config: Record<string, unknown>, space?: unknown): Record<string, unknown> {
  if (!isPlainObject(config)) throw invalid(argumentAt('flattenConfig', 'config'), 'a plain object (a config or a result)', config)
  // A space that is not one would name no branch, and the columns would come out silently unlike the space's.
  if (space !== undefined && space !== null && !isPlainObject(space)) {
    throw invalid(argumentAt('flattenConfig', 'space'), "the config's search space (or its JSON form), or nothing", space)
  }
  const flat: Record<string, unknown> = {}
  const walk = (node: Record<string, unknown>, prefix: string, spaceNode: unknown): void => {
    for (const [key, value] of Object.entries(node)) {
      const name = prefix + key
      const entry = isPlainObject(spaceNode) && !isDomain(spaceNode) ? spaceNode[key] : undefined
      const branching = asConditional(entry)
      // A value no branch fits (say, a config from an older space) is flattened as any other.
      const branch = branching === undefined ? -1 : branchOf(branching, value, false)
      if (branching !== undefined && branch >= 0) {
        const { tag, labels } = branchNames(branching)
        setOwn(flat, name, labels[branch])
        const sub = branching.values[branch]
        if (isPlainObject(sub) && isPlainObject(value)) walk(withoutKey(value, tag), `${name}[${labels[branch]}]/`, sub)
      } else if (isPlainObject(value) && Object.keys(value).length > 0) walk(value, `${name}/`, entry)
      else setOwn(flat, name, value)
    }
  }
  walk(config, '', space)
  return flat
}

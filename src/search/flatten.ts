import { SpaceError } from '../errors.ts'
import { argumentAt, invalid } from '../options/index.ts'
import { setOwn } from '../storable.ts'
import type { Domain } from './domain.ts'
import { isDomain } from './domain.ts'
import { isPlainObject } from './json.ts'
import type { Constant, Space } from './space.ts'

/**
 * The leaves of a space (domains and constants) with their key paths, depth
 * first in key insertion order; searchers rely on this order being stable.
 *
 * @example
 * ```ts
 * flattenSpace({ opt: { lr: uniform(0, 1) }, epochs: 3 })
 * // [{ path: ['opt', 'lr'], value: uniform(0, 1) }, { path: ['epochs'], value: 3 }]
 * ```
 */
export function flattenSpace(space: Space): Array<{ path: string[]; value: Domain | Constant }> {
  const entries: Array<{ path: string[]; value: Domain | Constant }> = []
  const walk = (node: Space, prefix: string[]): void => {
    for (const [key, value] of Object.entries(node)) {
      const path = [...prefix, key]
      if (isDomain(value) || !isPlainObject(value)) entries.push({ path, value: value as Domain | Constant })
      else walk(value as Space, path)
    }
  }
  walk(space, [])
  return entries
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
 * columns. Arrays and empty objects are leaves.
 *
 * @example
 * ```ts
 * flattenConfig({ optimizer: { lr: 1 }, sizes: [1, 2] }) // { 'optimizer/lr': 1, sizes: [1, 2] }
 * ```
 */
export function flattenConfig(config: Record<string, unknown>): Record<string, unknown> {
  if (!isPlainObject(config)) throw invalid(argumentAt('flattenConfig', 'config'), 'a plain object (a config or a result)', config)
  const flat: Record<string, unknown> = {}
  const walk = (node: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(node)) {
      const name = prefix + key
      if (isPlainObject(value) && Object.keys(value).length > 0) walk(value, `${name}/`)
      else setOwn(flat, name, value)
    }
  }
  walk(config, '')
  return flat
}

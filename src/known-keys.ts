/**
 * Misspelt option names: an options object is checked against the names its
 * owner knows, so `numSample: 3` fails loudly instead of running the default.
 */
import { ConfigError, show } from './errors.ts'
import { didYouMean } from './options/guess.ts'

/**
 * Throws a {@link ConfigError} for the first option `owner` does not know, with
 * the bad value, the closest known name and the list; `fieldPrefix` goes
 * before the key in the error's `field`.
 *
 * @example
 * ```ts
 * rejectUnknownKeys('Tuner', { numSample: 3 }, ['numSamples', 'seed'])
 * // ConfigError: Tuner({ numSample }): unknown option (did you mean numSamples?), got 3; known: numSamples, seed
 * ```
 */
export function rejectUnknownKeys(owner: string, options: object, known: readonly string[], fieldPrefix = ''): void {
  const key = unknownKey(options, known)
  if (key === undefined) return
  const value = (options as Record<string, unknown>)[key]
  throw new ConfigError(`${owner}({ ${key} }): unknown option${didYouMean(key, known)}, got ${show(value)}; known: ${known.join(', ')}`, {
    field: `${fieldPrefix}${key}`,
  })
}

/**
 * The first key of `options` that is not in `known`, if any.
 *
 * @example
 * ```ts
 * unknownKey({ numSample: 3 }, ['numSamples', 'seed']) // 'numSample'
 * ```
 */
export function unknownKey(options: object, known: readonly string[]): string | undefined {
  return Object.keys(options).find((key) => !known.includes(key))
}

import type { InspectOptions } from 'node:util'

/**
 * What Node hands an `inspect.custom` method: `inspect`'s options and `stylize`. Spelled out here because
 * @types/node names this type differently across its versions (`InspectOptionsStylized` up to 24,
 * `InspectContext` from 25), and a published declaration that names either breaks a program on the other.
 *
 * @example
 * ```ts
 * [inspect.custom](depth: number, options: InspectCall): string {
 *   return depth < 0 ? options.stylize('[Trial]', 'special') : inspect(this.snapshot(), options)
 * }
 * ```
 */
export type InspectCall = InspectOptions & { stylize(text: string, styleType: string): string }

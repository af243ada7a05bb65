/**
 * The `code` of a Node.js system error (`'ENOENT'`, `'EEXIST'`, `'EPERM'`...),
 * or undefined for anything else: one place for the check every file-system
 * caller makes.
 *
 * @example
 * ```ts
 * try { mkdirSync(dir) } catch (error) { if (errnoCode(error) !== 'EEXIST') throw error }
 * ```
 */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code
  return typeof code === 'string' ? code : undefined
}

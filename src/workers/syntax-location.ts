import type { SpawnSyncReturns } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '../errors.ts'

/** The JavaScript files `node --check` parses as Node would import them (TypeScript errors from tsx name their place already). */
const JAVASCRIPT = /\.[cm]?js$/

/** How long the check may take, ms: it parses one file, but a starved machine must not hang a failing load. */
const CHECK_MS = 10_000

/**
 * The import of trainable `url` failed with `error`: a SyntaxError in a JavaScript file comes back from
 * `import()` without its place (Node prints `file:line` and the source line only for a fatal error, from
 * a field no script can read), so the module is parsed again with `node --check`, which prints them, and
 * the error says where. Any other error, or one the check cannot place (a missing named export, which is
 * a SyntaxError too, or an error in a module it imports), is returned as it is. `node:child_process` is
 * loaded only here: every worker thread would otherwise compile it as it starts (about 4 ms), for an
 * error most runs never have.
 *
 * @example
 * ```ts
 * try { await import(url) } catch (error) { throw await placeSyntaxError(url, error) }
 * // ConfigError: trainable file:///app/train.mjs: SyntaxError: Unexpected token ';' at file:///app/train.mjs:2
 * // const x = ;
 * //           ^
 * ```
 */
export async function placeSyntaxError(url: string, error: unknown): Promise<unknown> {
  if (!(error instanceof SyntaxError) || !url.startsWith('file:') || !JAVASCRIPT.test(new URL(url).pathname)) return error
  const place = await checkSyntax(fileURLToPath(url), `${error.name}: ${error.message}`)
  if (place === undefined) return error
  const source = place.source === '' ? '' : `\n${place.source}`
  return new ConfigError(`trainable ${url}: ${error.name}: ${error.message} at ${url}:${place.line}${source}`, {
    field: 'trainable',
    cause: error,
  })
}

/** Where `node --check` finds `path` fails to parse: its line, and the source line with Node's caret under the place (blank at the end of the input). */
async function checkSyntax(path: string, header: string): Promise<{ line: number; source: string } | undefined> {
  // Only under Node itself: in an Electron app, execPath is the application.
  if (process.versions.electron !== undefined) return undefined
  let checked: SpawnSyncReturns<string>
  try {
    const { spawnSync } = await import('node:child_process')
    // Without NODE_OPTIONS: an --inspect there would make the check fail for its own reasons.
    const { NODE_OPTIONS: _, ...env } = process.env
    checked = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8', timeout: CHECK_MS, env })
  } catch {
    // No child processes allowed (Node's permission model): the error stays as import() gave it.
    return undefined
  }
  if (checked.status === 0 || typeof checked.stderr !== 'string') return undefined
  // `<path>:<line>`, the source line and its caret, a blank line, then the error.
  const [first = '', ...rest] = checked.stderr.split('\n')
  const line = first.startsWith(`${path}:`) ? Number(first.slice(path.length + 1)) : Number.NaN
  if (!Number.isInteger(line)) return undefined
  // Another error than import()'s (the check parses under other flags than the run): its place would be another's.
  const end = rest.indexOf(header)
  if (end === -1) return undefined
  return { line, source: rest.slice(0, end).join('\n').trimEnd() }
}

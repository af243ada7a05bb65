import { ConfigError, type SerializedError, serializeError, show } from '../errors.ts'

/** How much of what the module printed as it loaded the error keeps: its tail, where the reason for exiting usually is. */
export const PRINTED_CHARS = 2000

/** How the thread's uncaught error reached Node (the `origin` of `'uncaughtExceptionMonitor'`). */
export type ThrowOrigin = 'uncaughtException' | 'unhandledRejection'

/**
 * Watches the trainable module's import on one thread. A module that ends its thread as it loads
 * (`process.exit` at its top level, or an error its top level set off but did not throw: a timer, a
 * client's 'error' event, while a top-level await is pending) throws nothing a trial could catch: the
 * thread just dies, and a pool that replaced it would start a thread per trial, each dying the same
 * way. So the thread, on its way out, tells the driver that it was the import that failed (see
 * `ExitedWhileLoading`), how, and what the module printed, which its trial's output would otherwise lose.
 *
 * @example
 * ```ts
 * const watch = new LoadWatch(setup.trainable)
 * watch.follow(trainable)
 * process.on('uncaughtExceptionMonitor', (error, origin) => watch.threw(error, origin))
 * process.on('exit', (code) => watch.exited(code))
 * ```
 */
export class LoadWatch {
  readonly #trainable: string
  #loading = true
  #printed = ''
  /** The failure was told once already: the exit that follows an uncaught error is that error's, not news. */
  #told = false

  constructor(trainable: string) {
    this.#trainable = trainable
  }

  /** The import under way: once it settles (loaded or thrown), an exit is a trial's, not the import's. */
  follow(loading: Promise<unknown>): void {
    const settled = () => {
      this.#loading = false
      this.#printed = ''
    }
    loading.then(settled, settled)
  }

  /** The thread wrote `text` (stdout or stderr): kept while the module loads. */
  heard(text: string): void {
    if (this.#loading) this.#printed = (this.#printed + text).slice(-PRINTED_CHARS)
  }

  /** An error nothing caught ends the thread: while the module loads, the error that says so; after, undefined (a trial's). */
  threw(error: unknown, origin: ThrowOrigin): SerializedError | undefined {
    const what = error instanceof Error ? `${error.name}: ${error.message}` : show(error)
    // Not from its top level, which the import itself would reject with: from a callback or event the module set off.
    const how =
      origin === 'unhandledRejection'
        ? `left a promise rejected, unhandled, with ${what}`
        : `threw ${what} from a callback or event it set off (a timer, an 'error' event with no listener)`
    return this.#tell(`${how} while loading`, error)
  }

  /** The thread exits with `code`: while the module loads, the error that says so; after, undefined (a trial's own exit). */
  exited(code: number): SerializedError | undefined {
    // Not Node's 13 for a top-level await that never settles: piscina's entry imports the module, so such a
    // load waits (until trialTimeoutS) instead of ending the thread.
    return this.#tell(
      `ended its thread with code ${code} while loading, as it would every thread the pool starts (a process.exit at its top level? throw an error instead, and fit() rejects with it)`,
    )
  }

  #tell(what: string, cause?: unknown): SerializedError | undefined {
    if (!this.#loading || this.#told) return undefined
    this.#told = true
    const printed = this.#printed.trimEnd()
    const said = printed === '' ? 'it printed nothing' : `what it printed:\n${printed}`
    const error = new ConfigError(`trainable ${this.#trainable}: the module ${what}; ${said}`, { field: 'trainable', cause })
    return serializeError(error)
  }
}

/** How the thread's module loader (load-module.cjs) marks its own errors about the module: their message says it all. */
const LOADER_SAYS = Symbol.for('hyperpool.loader-says')

/**
 * Why the trainable module at `url` could not be loaded, as a {@link ConfigError} naming the module: ours about
 * the trainable (a placed syntax error) as it is; what the module threw as it loaded wrapped, its name and message
 * in the text and the error itself as the cause, whose stack points into the module (hyperpool's own errors too:
 * a space its top level builds wrongly).
 *
 * @example
 * ```ts
 * loadFailure('file:///app/train.mjs', new Error('dataset file not found: /data.csv'))
 * // ConfigError: trainable file:///app/train.mjs: Error: dataset file not found: /data.csv
 * ```
 */
export function loadFailure(url: string, error: unknown): ConfigError {
  if (error instanceof ConfigError && error.field === 'trainable') return error
  const what = !(error instanceof Error)
    ? `it threw ${show(error)}`
    : LOADER_SAYS in error
      ? error.message
      : `${error.name}: ${error.message}`
  return new ConfigError(`trainable ${url}: ${what}`, { field: 'trainable', cause: error })
}

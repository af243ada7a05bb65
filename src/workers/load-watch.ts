import { ConfigError, type SerializedError, serializeError } from '../errors.ts'

/** How much of what the module printed as it loaded the error keeps: its tail, where the reason for exiting usually is. */
export const PRINTED_CHARS = 2000

/**
 * Watches the trainable module's import on one thread. A module that ends its thread as it loads
 * (`process.exit` at its top level) throws nothing a trial could catch: the thread just dies, and a
 * pool that replaced it would start a thread per trial, each dying the same way. So the thread, on
 * its way out, tells the driver that it was the import that exited (see `ExitedWhileLoading`),
 * with what the module printed, which its trial's output would otherwise lose.
 *
 * @example
 * ```ts
 * const watch = new LoadWatch(setup.trainable)
 * watch.follow(trainable)
 * process.on('exit', (code) => watch.exited(code))
 * ```
 */
export class LoadWatch {
  readonly #trainable: string
  #loading = true
  #printed = ''

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

  /** The thread exits with `code`: while the module loads, the error that says so; after, undefined (a trial's own exit). */
  exited(code: number): SerializedError | undefined {
    if (!this.#loading) return undefined
    const printed = this.#printed.trimEnd()
    const said = printed === '' ? 'it printed nothing' : `what it printed:\n${printed}`
    const error = new ConfigError(
      `trainable ${this.#trainable}: the module exited with code ${code} while loading (process.exit at its top level ends every thread the pool starts); ${said}`,
      { field: 'trainable' },
    )
    return serializeError(error)
  }
}

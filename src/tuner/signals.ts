/** The signals a terminal or a process manager sends to end a program, and the exit code a shell expects after each. */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const

/** A signal that ends a run. */
export type StopSignal = keyof typeof EXIT_CODES

/**
 * Listens for SIGINT and SIGTERM while an experiment runs: the first one
 * calls `onFirst` (which ends the experiment cleanly), a second one calls
 * `onSecond` and exits the process at once with 130 or 143, as a shell
 * expects. `onSecond` must do its work synchronously (write the journal,
 * release the lock): an `exit` handler is not enough, as a loader such as
 * tsx may end the process its own way. Returns the function that stops
 * listening, so nothing outlives the experiment.
 *
 * @example
 * ```ts
 * const stopListening = onStopSignals((signal) => run.interrupt('signal', signal), () => store.close())
 * try { await run.run() } finally { stopListening() }
 * ```
 */
export function onStopSignals(onFirst: (signal: StopSignal) => void, onSecond: (signal: StopSignal) => void): () => void {
  let received = false
  const handle = (signal: StopSignal) => {
    if (received) {
      try {
        onSecond(signal)
      } finally {
        process.exit(EXIT_CODES[signal])
      }
    }
    received = true
    onFirst(signal)
  }
  const listeners = (Object.keys(EXIT_CODES) as StopSignal[]).map((signal) => [signal, () => handle(signal)] as const)
  for (const [signal, listener] of listeners) process.on(signal, listener)
  return () => {
    for (const [signal, listener] of listeners) process.removeListener(signal, listener)
  }
}

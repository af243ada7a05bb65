import type { CliIO } from './io.ts'

/**
 * Runs `fit` and, when a SIGINT or SIGTERM ended it early, prints the command
 * line that continues the experiment (`hyperpool resume <dir> --module <file>`)
 * under the library's own hint, which names `Tuner.restore`. The library
 * still handles the signals (a clean end, a second one exits at once); this
 * only notes that one came. Without `dir` (nothing stored, or the experiment
 * handles no signals: a listener here would keep Ctrl-C from ending the
 * process) it listens for nothing.
 */
export async function fitSayingHowToResume<T>(
  fit: () => Promise<T>,
  dir: string | undefined,
  module: string | undefined,
  io: CliIO,
): Promise<T> {
  if (dir === undefined) return fit()
  let signal: string | undefined
  const onSignal = (name: string) => {
    signal ??= name
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    const result = await fit()
    if (signal !== undefined) {
      const withModule = module === undefined ? '' : ` --module ${shellWord(module)}`
      io.stderr(`hyperpool: ${signal} ended the run early; continue it with: hyperpool resume ${shellWord(dir)}${withModule}\n`)
    }
    return result
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** `text` as one word a POSIX shell reads back unchanged: bare when it is plain, else single-quoted. */
function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`
}

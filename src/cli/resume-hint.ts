import type { CliIO } from './io.ts'

/**
 * Runs `fit` and, when a SIGINT or SIGTERM ended it early, prints the command
 * line that continues the experiment (`hyperpool resume <dir> --module <file>`)
 * under the library's own hint, which names `Tuner.restore`. The library
 * still handles the signals (a clean end, a second one exits at once); this
 * only notes that one came. Without `dir` (nothing stored, or the experiment
 * handles no signals: a listener here would keep Ctrl-C from ending the
 * process) it listens for nothing; `dir` is read after the run, when a
 * default name has its final folder. The exit code is 0, or 130 / 143 after a
 * SIGINT / SIGTERM, as shells report a command a signal ended.
 */
export async function fitSayingHowToResume<T>(
  fit: () => Promise<T>,
  dir: (() => string | undefined) | undefined,
  module: string | undefined,
  io: CliIO,
): Promise<{ result: T; exitCode: number }> {
  if (dir === undefined) return { result: await fit(), exitCode: 0 }
  let signal: string | undefined
  const onSignal = (name: string) => {
    signal ??= name
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    const result = await fit()
    if (signal === undefined) return { result, exitCode: 0 }
    const folder = dir()
    const withModule = module === undefined ? '' : ` --module ${shellWord(module)}`
    if (folder !== undefined) {
      io.stderr(`hyperpool: ${signal} ended the run early; continue it with: hyperpool resume ${shellWord(folder)}${withModule}\n`)
    }
    // As a shell expects of a command a signal ended (128 + its number), so `hyperpool run x && next` stops here.
    return { result, exitCode: signal === 'SIGINT' ? 130 : 143 }
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** `text` as one word a POSIX shell reads back unchanged: bare when it is plain, else single-quoted. */
function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`
}

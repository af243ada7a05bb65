import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { countOf } from '../format.ts'
import { ResultError, type ResultGrid, TRIAL_OUTPUT_MODES, type TrialInfo, Tuner, type TunerOptions } from '../index.ts'
import { choiceFlag, integerFlag, readArgs, UsageError } from './args.ts'
import type { CliIO } from './io.ts'
import { fitSayingHowToResume } from './resume-hint.ts'

const FLAGS = {
  samples: { type: 'string' },
  concurrency: { type: 'string' },
  seed: { type: 'string' },
  name: { type: 'string' },
  storage: { type: 'string' },
  'trial-output': { type: 'string' },
} as const

/** `hyperpool run <module>`: the experiment the module's default export describes, with the flags on top. */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { positionals, flags } = readArgs('run', argv, FLAGS, ['module'])
  const overrides: Record<string, unknown> = {}
  const numSamples = integerFlag('run', 'samples', flags.samples, 1)
  const concurrency = integerFlag('run', 'concurrency', flags.concurrency, 1)
  const seed = integerFlag('run', 'seed', flags.seed, 0)
  if (numSamples !== undefined) overrides.numSamples = numSamples
  if (concurrency !== undefined) overrides.concurrency = concurrency
  if (seed !== undefined) overrides.seed = seed
  if (flags.name !== undefined) overrides.name = flags.name
  if (flags.storage !== undefined) overrides.storageDir = flags.storage
  const trialOutput = choiceFlag('run', 'trial-output', flags['trial-output'], TRIAL_OUTPUT_MODES)
  if (trialOutput !== undefined) overrides.trialOutput = trialOutput

  const options = { ...(await experimentOptions(positionals[0] as string, 'run')), ...overrides } as unknown as TunerOptions
  const tuner = new Tuner(options)
  // Listening needs a folder to resume from; its name is final only once fit() has claimed it.
  const resumable = options.storageDir !== false && options.handleSignals !== false
  const { result: results, exitCode } = await fitSayingHowToResume(
    () => tuner.fit(),
    resumable ? () => tuner.dir : undefined,
    positionals[0],
    io,
  )
  io.stdout(bestTrialLine(results))
  if (tuner.dir !== undefined) io.stdout(`stored in ${tuner.dir}: hyperpool summary ${tuner.dir}, hyperpool report ${tuner.dir}\n`)
  return exitCode
}

/**
 * The last lines of `run` and `resume`: the best trial, its metric and config; with several
 * objectives, the trials of the Pareto front, one a line, with every objective.
 */
export function bestTrialLine(results: ResultGrid): string {
  const line = (trial: TrialInfo) => {
    const values = results.objectives.map(({ metric }) => `${metric}=${String(trial.lastResult?.[metric])}`).join(' ')
    return `trial ${trial.id}: ${values} config=${JSON.stringify(trial.config)}\n`
  }
  if (results.objectives.length > 1) {
    const front = results.paretoFront()
    return `Pareto front, ${countOf(front.length, 'trial')}:\n${front.map(line).join('')}`
  }
  try {
    return `best ${line(results.best())}`
  } catch (error) {
    // Every trial errored, or none reported the metric: the run is over all the same, and its folder says the rest.
    if (!(error instanceof ResultError)) throw error
    return `no best trial: ${error.message.replace(/^best\([^)]*\): /, '')}\n`
  }
}

/** The Tuner options a module's default export gives: an object, or a function (maybe async) returning one; `command` names who asked, in errors. */
export async function experimentOptions(path: string, command: 'run' | 'resume'): Promise<Record<string, unknown>> {
  const usage = command === 'run' ? 'hyperpool run experiment.ts' : 'hyperpool resume <dir> --module experiment.ts'
  const file = resolve(path)
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new UsageError(
      `${command}: no file ${JSON.stringify(path)}: give the path of a module whose default export is the Tuner's options, e.g. ${usage}`,
      command,
      'module',
    )
  }
  if (/\.[mc]?ts$/.test(file)) await registerTypeScript(path, command)
  const module: { default?: unknown } = await import(pathToFileURL(file).href)
  let options = module.default
  if (typeof options === 'function') options = await options()
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new UsageError(
      `${command}: ${JSON.stringify(path)} must export default the Tuner's options (export default { trainable, space, metric, ... }), ` +
        `got ${options === undefined ? 'no default export' : Array.isArray(options) ? 'an array' : typeof options}`,
      command,
      'module',
    )
  }
  return options as Record<string, unknown>
}

async function registerTypeScript(path: string, command: 'run' | 'resume'): Promise<void> {
  const loader = resolveTsLoader()
  if (loader === undefined) {
    throw new UsageError(
      `${command}: ${JSON.stringify(path)} is TypeScript and tsx is not installed: npm install -D tsx, or compile it to .js`,
      command,
      'module',
    )
  }
  const { register } = (await import(loader)) as { register: () => unknown }
  register()
}

/** tsx's registration API, when tsx is installed, so the CLI can load a TypeScript options module. */
function resolveTsLoader(): string | undefined {
  try {
    return import.meta.resolve('tsx/esm/api')
  } catch {
    return undefined
  }
}

import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Tuner, type TunerOptions } from '../index.ts'
import { resolveTsLoader } from '../workers/pool.ts'
import { integerFlag, readArgs, UsageError } from './args.ts'
import type { CliIO } from './io.ts'

const FLAGS = {
  samples: { type: 'string' },
  concurrency: { type: 'string' },
  seed: { type: 'string' },
  name: { type: 'string' },
  storage: { type: 'string' },
} as const

/** `hyperpool run <module>`: the experiment the module's default export describes, with the flags on top. */
export async function run(argv: readonly string[], io: CliIO): Promise<void> {
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

  const options = { ...(await experimentOptions(positionals[0] as string)), ...overrides } as unknown as TunerOptions
  const tuner = new Tuner(options)
  const results = await tuner.fit()
  const best = results.best()
  io.stdout(`best trial ${best.id}: ${results.metric}=${String(best.lastResult?.[results.metric])} config=${JSON.stringify(best.config)}\n`)
  io.stdout(`stored in ${options.storageDir ?? 'runs'}/${tuner.name}: hyperpool summary ${options.storageDir ?? 'runs'}/${tuner.name}\n`)
}

/** The Tuner options a module's default export gives: an object, or a function (maybe async) returning one. */
export async function experimentOptions(path: string): Promise<Record<string, unknown>> {
  const file = resolve(path)
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new UsageError(
      `run: no file ${JSON.stringify(path)}: give the path of a module whose default export is the Tuner's options, e.g. hyperpool run experiment.ts`,
      'run',
      'module',
    )
  }
  if (/\.[mc]?ts$/.test(file)) await registerTypeScript(path)
  const module: { default?: unknown } = await import(pathToFileURL(file).href)
  let options = module.default
  if (typeof options === 'function') options = await options()
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new UsageError(
      `run: ${JSON.stringify(path)} must export default the Tuner's options (export default { trainable, space, metric, ... }), ` +
        `got ${options === undefined ? 'no default export' : Array.isArray(options) ? 'an array' : typeof options}`,
      'run',
      'module',
    )
  }
  return options as Record<string, unknown>
}

async function registerTypeScript(path: string): Promise<void> {
  const loader = resolveTsLoader()
  if (loader === undefined) {
    throw new UsageError(
      `run: ${JSON.stringify(path)} is TypeScript and tsx is not installed: npm install -D tsx, or compile it to .js`,
      'run',
      'module',
    )
  }
  const { register } = (await import(loader)) as { register: () => unknown }
  register()
}

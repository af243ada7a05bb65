import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { EXPERIMENT_FILE } from '../index.ts'
import { UsageError } from './args.ts'

/**
 * `dir` when it is an experiment's folder (it holds experiment.jsonl); else a
 * UsageError that says what to give instead, naming the experiments a folder
 * of experiments holds.
 */
export function experimentDir(command: string, dir: string): string {
  return checkExperimentDir(command, dir, false)
}

/**
 * `dir` for watching: an experiment's folder, or one that will be (missing,
 * or without a journal yet, as when the run has not started); `started` says
 * which. A folder of experiments is refused as by {@link experimentDir}.
 */
export function experimentDirToWatch(command: string, dir: string): { dir: string; started: boolean } {
  checkExperimentDir(command, dir, true)
  return { dir, started: existsSync(join(dir, EXPERIMENT_FILE)) }
}

function checkExperimentDir(command: string, dir: string, mayNotHaveStarted: boolean): string {
  const exists = existsSync(dir)
  if (mayNotHaveStarted && !exists) return dir
  if (!exists || !statSync(dir).isDirectory()) {
    throw new UsageError(
      `${command}: no folder ${JSON.stringify(dir)}: give an experiment's folder, such as runs/<name> (see ls runs)`,
      command,
      'dir',
    )
  }
  if (!existsSync(join(dir, EXPERIMENT_FILE))) {
    const inside = readdirSync(dir)
      .filter((name) => existsSync(join(dir, name, EXPERIMENT_FILE)))
      .sort()
    if (mayNotHaveStarted && inside.length === 0) return dir
    const hint =
      inside.length > 0
        ? `it holds the experiments ${inside.join(', ')}: hyperpool ${command} ${join(dir, inside[0] as string)}`
        : 'give the folder of one experiment, such as runs/<name>'
    throw new UsageError(`${command}: ${JSON.stringify(dir)} holds no experiment.jsonl; ${hint}`, command, 'dir')
  }
  return dir
}

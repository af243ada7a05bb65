import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { UsageError } from './args.ts'

/**
 * `dir` when it is an experiment's folder (it holds experiment.jsonl); else a
 * UsageError that says what to give instead, naming the experiments a folder
 * of experiments holds.
 */
export function experimentDir(command: string, dir: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(
      `${command}: no folder ${JSON.stringify(dir)}: give an experiment's folder, such as runs/<name> (see ls runs)`,
      command,
      'dir',
    )
  }
  if (!existsSync(join(dir, 'experiment.jsonl'))) {
    const inside = readdirSync(dir)
      .filter((name) => existsSync(join(dir, name, 'experiment.jsonl')))
      .sort()
    const hint =
      inside.length > 0
        ? `it holds the experiments ${inside.join(', ')}: hyperpool ${command} ${join(dir, inside[0] as string)}`
        : 'give the folder of one experiment, such as runs/<name>'
    throw new UsageError(`${command}: ${JSON.stringify(dir)} holds no experiment.jsonl; ${hint}`, command, 'dir')
  }
  return dir
}

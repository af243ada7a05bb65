/**
 * Finds the Python that runs the Optuna side of the benchmarks:
 * `HYPERPOOL_PYTHON` alone when set, else the project's venv
 * (/opt/hpvenv/bin/python, which has Optuna 5), then `python3`.
 */
import { spawnSync } from 'node:child_process'

/** The interpreters tried, in order. */
export function pythonCandidates(): string[] {
  const chosen = process.env.HYPERPOOL_PYTHON
  return chosen ? [chosen] : ['/opt/hpvenv/bin/python', 'python3']
}

export type PythonProbe = { readonly python: string; readonly stdout: string } | { readonly problems: readonly string[] }

/**
 * The first candidate for which `python ...args` exits 0, with its stdout, or
 * why each one failed (its last line of stderr).
 *
 * @example
 * ```ts
 * const probe = findPython(['bench/optuna/optuna_runs.py', '--info'])
 * if ('problems' in probe) console.log(`skipped: ${probe.problems.join('; ')}`)
 * ```
 */
export function findPython(args: readonly string[]): PythonProbe {
  const problems: string[] = []
  for (const python of pythonCandidates()) {
    const run = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 26 })
    if (run.status === 0) return { python, stdout: run.stdout }
    const why = run.error?.message ?? run.stderr.trim().split('\n').at(-1) ?? `exit ${run.status}`
    problems.push(`${python}: ${why}`)
  }
  return { problems }
}

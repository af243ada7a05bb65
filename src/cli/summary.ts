import { hostname } from 'node:os'
import { countOf, countStates, formatNumber, lockHolderText, stateCounts } from '../format.ts'
import {
  flattenConfig,
  type LoadedExperiment,
  type LockHolder,
  loadExperiment,
  type Mode,
  type Objective,
  type TrialInfo,
} from '../index.ts'
import { compareScored, countsAsScore } from '../objectives/index.ts'
import { integerFlag, readArgs, UsageError } from './args.ts'
import { experimentDir } from './experiment-dir.ts'
import type { CliIO } from './io.ts'

/** One trial as `summary` ranks it. */
interface RankedTrial {
  readonly rank: number | null
  readonly id: number
  readonly state: string
  /** The metric's last reported value; null when the trial never reported a finite one. */
  readonly score: number | null
  readonly reports: number
  readonly config: Record<string, unknown>
  readonly lastResult: Record<string, unknown> | null
}

/** `hyperpool summary <dir>` (and `status`): the best trials of a stored experiment. */
export async function summary(command: string, argv: readonly string[], io: CliIO): Promise<void> {
  const { positionals, flags } = readArgs(command, argv, { json: { type: 'boolean' }, csv: { type: 'boolean' }, top: { type: 'string' } }, [
    'dir',
  ])
  if (flags.json && flags.csv) throw new UsageError(`${command}: --json and --csv are two formats: give one`, command, '--csv')
  const top = integerFlag(command, 'top', flags.top, 1)
  const dir = experimentDir(command, positionals[0] as string)
  const { experiment, results, summary: ending, interruption, runningIn } = await loadExperiment(dir)
  const running = runningIn !== undefined
  const interrupted = ending?.interrupted === true
  // An interrupted end with no interrupt event before it (the loop writes one first) is read as before: resumable.
  const resumable = interrupted && (interruption?.resumable ?? true)
  if (flags.csv) {
    io.stdout(results.toCSV())
    return
  }
  const several = results.objectives.length > 1
  // Several objectives have no single ranking: the table is the Pareto front, ordered by the first objective.
  const ranked = several ? frontRows(results.paretoFront(), results.objectives) : rank(results.trials, experiment.metric, experiment.mode)
  const states = countStates(results.trials.map((trial) => trial.state))
  if (flags.json) {
    const { name, metric, mode, seed } = experiment
    const shown = top === undefined ? ranked : ranked.slice(0, top)
    const objectives = several ? { objectives: results.objectives } : {}
    const trials = several ? { front: shown } : { trials: shown }
    io.stdout(
      `${JSON.stringify({ experiment: { name, metric, mode, ...objectives, seed }, ended: ending !== undefined, running, ...lockedBy(runningIn), interrupted, resumable, states, ...trials }, null, 2)}\n`,
    )
    return
  }
  // In the console's order and words: the summary of a run reads as its last console line did.
  const counts = stateCounts(states).join(', ')
  const aims = results.objectives.map((o) => `${o.metric} (${o.mode})`).join(', ')
  io.stdout(`experiment ${experiment.name}: ${aims}, ${countOf(results.trials.length, 'trial')} (${counts})`)
  io.stdout(
    `${runningIn === undefined ? endNote(dir, ending === undefined, interrupted, resumable, interruption) : runningNote(runningIn)}\n`,
  )
  const shown = ranked.slice(0, top ?? 10)
  if (several) io.stdout(`Pareto front: ${countOf(ranked.length, 'trial')} that no other beats on every objective\n`)
  io.stdout(
    `${table(
      shown,
      results.objectives.map((o) => o.metric),
    )}\n`,
  )
  if (shown.length < ranked.length) io.stdout(`(${ranked.length - shown.length} more: --top ${ranked.length} shows all)\n`)
}

/** Trials with a finite last value of `metric`, best first (ties by id), then the others in id order. */
function rank(trials: readonly TrialInfo[], metric: string, mode: Mode): RankedTrial[] {
  const scored = trials.map((trial) => {
    const value = trial.lastResult?.[metric]
    return { trial, id: trial.id, score: countsAsScore(value) ? value : null }
  })
  const withScore = scored.filter((s): s is typeof s & { score: number } => s.score !== null).sort((a, b) => compareScored(a, b, mode))
  const without = scored.filter((s) => s.score === null)
  return [...withScore, ...without].map(({ trial, score }, i) => rankedRow(trial, score === null ? null : i + 1, score))
}

/** The front's trials, best first by the first objective (ties by id); `score` is that objective's value. */
function frontRows(front: readonly TrialInfo[], objectives: readonly Objective[]): RankedTrial[] {
  const [first] = objectives as [Objective]
  return front
    .map((trial) => ({ trial, id: trial.id, score: trial.lastResult?.[first.metric] as number }))
    .sort((a, b) => compareScored(a, b, first.mode))
    .map(({ trial, score }, i) => rankedRow(trial, i + 1, score))
}

/** One row of the table: the trial's rank and score beside what it did. */
function rankedRow(trial: TrialInfo, rank: number | null, score: number | null): RankedTrial {
  return {
    rank,
    id: trial.id,
    state: trial.state,
    score,
    reports: trial.history.length,
    config: trial.config,
    lastResult: trial.lastResult ?? null,
  }
}

/** A plain-text table: one column per field, one per objective, the config flattened to `a/b` columns. */
function table(trials: readonly RankedTrial[], metrics: readonly string[]): string {
  const configKeys = [...new Set(trials.flatMap((t) => Object.keys(flattenConfig(t.config))))]
  const header = ['rank', 'trial', 'state', ...metrics, 'reports', ...configKeys]
  const rows = trials.map((t) => {
    const config = flattenConfig(t.config)
    const values = metrics.map((metric, j) => (j === 0 ? (t.score ?? '-') : (t.lastResult?.[metric] ?? '-')))
    return [t.rank ?? '-', t.id, t.state, ...values, t.reports, ...configKeys.map((k) => config[k] ?? '')].map(cell)
  })
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] as string).length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((c, j) => c.padEnd(widths[j] as number))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

function cell(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value)
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** The live process that holds the experiment, for --json: who, where and since when (its lock's token is its own business). */
function lockedBy(holder: LockHolder | undefined): { lockedBy?: { pid: number; host: string; since: string } } {
  return holder === undefined ? {} : { lockedBy: { pid: holder.pid, host: holder.host, since: holder.since } }
}

/**
 * An experiment a live process holds, after its counts: it has not ended, so neither "did not reach its end" nor a
 * resume (which that lock refuses) fits. Another host's process is only assumed alive: it cannot be checked from here.
 */
function runningNote(holder: LockHolder): string {
  const gone = holder.host === hostname() ? '' : '; if that process is gone, delete its .lock and resume it'
  return `, running (${lockHolderText(holder)}${gone})`
}

/**
 * How the experiment ended, after its counts: a run cut short says why, and how to resume it only when
 * `hyperpool resume` would continue it (not after its time budget, nor after its own check ended it).
 */
function endNote(dir: string, died: boolean, interrupted: boolean, resumable: boolean, why: LoadedExperiment['interruption']): string {
  if (died) return ', did not reach its end'
  if (!interrupted) return ''
  const reason = why === undefined ? '' : ` (${why.why})`
  if (resumable) return `, interrupted${reason}: hyperpool resume ${dir} --module <the module it ran from> continues it`
  if (why?.cause === 'check') return `, ended early${reason}; a restore would end it the same way: start a new experiment with the fix`
  return `, ended early${reason}`
}

import { formatNumber, stateCounts } from '../../format.ts'
import { widthOf } from '../../terminal.ts'
import type { TrialState } from '../../types.ts'

/**
 * What the status line shows: the counts, the best value so far and the time.
 *
 * @example
 * ```ts
 * const progress: Progress = { states: { running: 2, completed: 10, stopped: 2, errored: 1 }, target: 64, metric: 'loss', best: { value: 0.0312, trialId: 7 }, elapsedMs: 41_200 }
 * ```
 */
export interface Progress {
  /** The trials started so far, by their state now (a missing state counts 0). */
  readonly states: Readonly<Partial<Record<TrialState, number>>>
  /** Trials planned; `Infinity` when unknown (shown as `?`). */
  readonly target: number
  /** The objective's metric; with several, their names joined. */
  readonly metric: string
  readonly best: { readonly value: number; readonly trialId: number } | undefined
  /** With several objectives: how many trials the Pareto front holds, shown instead of a best value. */
  readonly front?: number
  readonly elapsedMs: number
}

/** The parts of the line that can be left out, in the order they go when the line is too wide. */
const DROPPED_FIRST = ['prefix', 'bestTrial', 'elapsed', 'countsButErrored', 'words', 'errored'] as const
type Part = (typeof DROPPED_FIRST)[number]

/**
 * The progress line, at most `width` columns wide. The full line is
 * `[hyperpool] 15/64 trials (2 running, 10 completed, 2 stopped, 1 errored) | best loss=0.0312 (trial 7) | 41.2s`:
 * the trials started of those planned, and their states counted as the closing
 * summary counts them (`finished: 64 trials (60 completed, 2 stopped, 2 errored)`),
 * so the last live line and the summary agree. When it does not fit, parts go
 * in this order until it does: the `[hyperpool]` prefix, the best trial's id,
 * the elapsed time, every count but the errored one, the word `trials`, the
 * error count. What still does not fit is cut, ending in `…`. So the count and
 * the best value are the last to go. With several objectives the best value is
 * the front's size instead (`front 5 of loss, latency_ms`; the names go with
 * the best trial's id).
 *
 * @example
 * ```ts
 * statusLine(progress)     // '[hyperpool] 15/64 trials (2 running, 10 completed, 2 stopped, 1 errored) | best loss=0.0312 (trial 7) | 41.2s'
 * statusLine(progress, 40) // '15/64 (1 errored) | best loss=0.0312'
 * ```
 */
export function statusLine(progress: Progress, width = Number.POSITIVE_INFINITY): string {
  const left = new Set<Part>()
  let line = compose(progress, left)
  for (const part of DROPPED_FIRST) {
    if (widthOf(line) <= width) return line
    left.add(part)
    line = compose(progress, left)
  }
  return widthOf(line) <= width ? line : cut(line, width)
}

function compose(p: Progress, left: ReadonlySet<Part>): string {
  const target = Number.isFinite(p.target) ? String(p.target) : '?'
  const started = Object.values(p.states).reduce((sum, n) => sum + (n ?? 0), 0)
  const shown = left.has('errored') ? {} : left.has('countsButErrored') ? { errored: p.states.errored } : p.states
  const counts = stateCounts(shown)
  const count = `${started}/${target}${left.has('words') ? '' : ' trials'}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}`
  const best =
    p.front !== undefined
      ? `front ${p.front}${left.has('bestTrial') ? '' : ` of ${p.metric}`}`
      : p.best === undefined
        ? `no ${p.metric} yet`
        : `best ${p.metric}=${formatNumber(p.best.value)}${left.has('bestTrial') ? '' : ` (trial ${p.best.trialId})`}`
  const parts = [count, best]
  if (!left.has('elapsed')) parts.push(formatDuration(p.elapsedMs))
  return `${left.has('prefix') ? '' : '[hyperpool] '}${parts.join(' | ')}`
}

/** The first `width - 1` code points and `…`; nothing when there is no room at all. */
function cut(line: string, width: number): string {
  if (width < 1) return ''
  return `${[...line].slice(0, width - 1).join('')}…`
}

/**
 * `41.2s`, `3m05s` or `1h02m09s`.
 *
 * @example
 * ```ts
 * formatDuration(185_000) // '3m05s'
 * ```
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000
  if (seconds < 60) return `${seconds.toFixed(1)}s`
  const whole = Math.floor(seconds)
  const s = String(whole % 60).padStart(2, '0')
  const m = Math.floor(whole / 60) % 60
  const h = Math.floor(whole / 3600)
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${s}s` : `${m}m${s}s`
}

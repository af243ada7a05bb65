import { formatNumber } from '../../format.ts'
import { widthOf } from '../../terminal.ts'

/**
 * What the status line shows: the counts, the best value so far and the time.
 *
 * @example
 * ```ts
 * const progress: Progress = { done: 12, target: 64, running: 2, errored: 1, metric: 'loss', best: { value: 0.0312, trialId: 7 }, elapsedMs: 41_200 }
 * ```
 */
export interface Progress {
  /** Trials that ended completed or stopped. */
  readonly done: number
  /** Trials planned; `Infinity` when unknown (shown as `?`). */
  readonly target: number
  readonly running: number
  readonly errored: number
  /** The objective's metric; with several, their names joined. */
  readonly metric: string
  readonly best: { readonly value: number; readonly trialId: number } | undefined
  /** With several objectives: how many trials the Pareto front holds, shown instead of a best value. */
  readonly front?: number
  readonly elapsedMs: number
}

/** The parts of the line that can be left out, in the order they go when the line is too wide. */
const DROPPED_FIRST = ['zeroErrored', 'prefix', 'bestTrial', 'elapsed', 'running', 'words', 'errored'] as const
type Part = (typeof DROPPED_FIRST)[number]

/**
 * The progress line, at most `width` columns wide. The full line is
 * `[hyperpool] trials 12/64 done, 2 running, 1 errored | best loss=0.0312 (trial 7) | 41.2s`;
 * when it does not fit, parts go in this order until it does: a zero error
 * count, the `[hyperpool]` prefix, the best trial's id, the elapsed time, the
 * running count, the words around the count, the error count. What still
 * does not fit is cut, ending in `…`. So the count and the best value are
 * the last to go. With several objectives the best value is the front's size
 * instead (`front 5 of loss, latency_ms`; the names go with the best trial's id).
 *
 * @example
 * ```ts
 * statusLine(progress)     // '[hyperpool] trials 12/64 done, 2 running, 1 errored | best loss=0.0312 (trial 7) | 41.2s'
 * statusLine(progress, 40) // '12/64, 1 errored | best loss=0.0312'
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
  const counts = [left.has('words') ? `${p.done}/${target}` : `trials ${p.done}/${target} done`]
  if (!left.has('running')) counts.push(`${p.running} running`)
  if (!left.has('errored') && !(p.errored === 0 && left.has('zeroErrored'))) counts.push(`${p.errored} errored`)
  const best =
    p.front !== undefined
      ? `front ${p.front}${left.has('bestTrial') ? '' : ` of ${p.metric}`}`
      : p.best === undefined
        ? `no ${p.metric} yet`
        : `best ${p.metric}=${formatNumber(p.best.value)}${left.has('bestTrial') ? '' : ` (trial ${p.best.trialId})`}`
  const parts = [counts.join(', '), best]
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

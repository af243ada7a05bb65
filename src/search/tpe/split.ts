/**
 * Which trials TPE learns from and how: the good/bad ("below"/"above") split
 * and the observation weights, as Optuna's `_split_trials` and
 * `default_gamma` / `default_weights`.
 *
 * - Completed trials rank by their value (lower is better after the sign for
 *   `mode`); the best `gamma(n)` of them are good.
 * - If fewer completed trials than `gamma(n)` exist, stopped trials fill the
 *   good set, ranked by how far they got (later step first), then by their
 *   last value there; a stopped trial without a value ranks last.
 * - Running trials (the constant liar) and diverged ones (a NaN metric) always join the bad set.
 * - Each set is kept in trial order so the weights can fade the oldest.
 * - With several objectives, `pickGood` chooses the good completed trials (by dominance, see multi-objective.ts).
 */

/** What TPE knows about one trial it suggested. */
export interface TrialRecord {
  readonly id: number
  /** The encoded config. */
  readonly vector: Float64Array
  /** `diverged`: its metric became NaN; it always joins the bad set. */
  status: 'running' | 'completed' | 'stopped' | 'diverged' | 'ignored'
  /** Last reported metric, signed so that lower is better; NaN when none. */
  value: number
  /** training_iteration of that value; 0 when none. */
  step: number
  /** With several objectives: every objective's last value, signed so that lower is better; undefined when one is missing. */
  point?: readonly number[] | undefined
}

/**
 * Optuna's default gamma: the best 10 %, at most 25.
 *
 * @example
 * ```ts
 * defaultGamma(100) // 10
 * defaultGamma(1000) // 25
 * ```
 */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25)
}

/**
 * Optuna's default weights for `n` observations in trial order: all 1 below
 * 25, else the newest 25 weigh 1 and the older ones ramp linearly from 1/n
 * up towards 1.
 *
 * @example
 * ```ts
 * defaultWeights(3) // [1, 1, 1]
 * ```
 */
export function defaultWeights(n: number): Float64Array {
  const weights = new Float64Array(n).fill(1)
  if (n < 25) return weights
  const ramp = n - 25
  // numpy.linspace(1 / n, 1, ramp): ramp points from 1/n to 1 inclusive.
  for (let i = 0; i < ramp; i++) weights[i] = ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1)
  return weights
}

/** The good and bad trials, each in trial-id order. */
export interface Split<R extends TrialRecord = TrialRecord> {
  readonly below: R[]
  readonly above: R[]
}

/** Stopped trials: later step first, then lower value; NaN values rank as +infinity; no value at all ranks last. */
function stoppedKey(record: TrialRecord): [number, number] {
  if (record.step === 0) return [1, 0]
  return [-record.step, Number.isNaN(record.value) ? Number.POSITIVE_INFINITY : record.value]
}

function byStopped(a: TrialRecord, b: TrialRecord): number {
  const [sa, va] = stoppedKey(a)
  const [sb, vb] = stoppedKey(b)
  if (sa !== sb) return sa - sb
  if (va !== vb) return va < vb ? -1 : 1
  return a.id - b.id
}

/**
 * Splits the records into the good set (`nBelow` trials at most) and the bad
 * set. `constantLiar` adds running trials to the bad set; errored and other
 * ignored trials never count. `pickGood`, when given, chooses which `n` of
 * the completed trials are good (several objectives); else the lowest values.
 *
 * @example
 * ```ts
 * const { below, above } = splitTrials(records, defaultGamma(finished), true)
 * ```
 */
export function splitTrials<R extends TrialRecord>(
  records: Iterable<R>,
  nBelow: number,
  constantLiar: boolean,
  pickGood?: (completed: readonly R[], n: number) => Iterable<R>,
): Split<R> {
  const completed: R[] = []
  const stopped: R[] = []
  const used: R[] = []
  let inIdOrder = true
  let lastId = Number.NEGATIVE_INFINITY
  for (const record of records) {
    if (record.status === 'completed') completed.push(record)
    else if (record.status === 'stopped') stopped.push(record)
    else if (record.status !== 'diverged' && !(record.status === 'running' && constantLiar)) continue
    used.push(record)
    if (record.id < lastId) inIdOrder = false
    lastId = record.id
  }
  const byId = (a: TrialRecord, b: TrialRecord) => a.id - b.id
  if (!inIdOrder) {
    completed.sort(byId)
    used.sort(byId)
  }
  const good = new Set<R>()
  const fromCompleted = Math.min(nBelow, completed.length)
  if (fromCompleted === completed.length) for (const record of completed) good.add(record)
  else if (fromCompleted > 0 && pickGood !== undefined) for (const record of pickGood(completed, fromCompleted)) good.add(record)
  else if (fromCompleted > 0) {
    // The best fromCompleted by (value, id): everything below the threshold value, then ties at it by id.
    const values = new Float64Array(completed.length)
    for (let i = 0; i < completed.length; i++) values[i] = (completed[i] as TrialRecord).value
    values.sort()
    const threshold = values[fromCompleted - 1] as number
    let ties = fromCompleted
    for (const record of completed) if (record.value < threshold) ties--
    for (const record of completed) {
      if (record.value < threshold) good.add(record)
      else if (record.value === threshold && ties > 0) {
        good.add(record)
        ties--
      }
    }
  }
  const fromStopped = Math.min(nBelow - fromCompleted, stopped.length)
  if (fromStopped > 0) for (const record of [...stopped].sort(byStopped).slice(0, fromStopped)) good.add(record)
  const below: R[] = []
  const above: R[] = []
  for (const record of used) (good.has(record) ? below : above).push(record)
  return { below, above }
}

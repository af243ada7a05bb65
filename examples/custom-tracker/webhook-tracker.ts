/**
 * A custom tracker: collects each trial's outcome and posts one summary to a
 * webhook (Slack, Teams, a CI bot...) when the experiment ends, plus a
 * message for every trial that errors. Only the hooks it needs are written.
 */
import type { ExperimentInfo, ExperimentSummary, Tracker, TrialInfo } from 'hyperpool'

export interface WebhookTrackerOptions {
  /** Where to POST the JSON messages. */
  readonly url: string
  /** Longest wait for one POST, ms. Default 5000. */
  readonly timeoutMs?: number
}

export class WebhookTracker implements Tracker {
  readonly #url: string
  readonly #timeoutMs: number
  #metric = ''
  readonly #outcomes: Array<{ id: number; state: string; value: unknown; config: unknown }> = []

  constructor(options: WebhookTrackerOptions) {
    this.#url = options.url
    this.#timeoutMs = options.timeoutMs ?? 5000
  }

  onExperimentStart(experiment: ExperimentInfo): void {
    this.#metric = experiment.metric
    this.#outcomes.length = 0
  }

  // A hook may return a promise: the Tuner's hub then queues this tracker's
  // later events until it settles, so trials never wait for the webhook.
  // Returning one only when there is I/O keeps the common path synchronous.
  onTrialEnd(trial: TrialInfo): void | Promise<void> {
    // Copy what is needed now: `trial` is the Tuner's live view of the trial.
    const outcome = { id: trial.id, state: trial.state, value: trial.lastResult?.[this.#metric], config: trial.config }
    this.#outcomes.push(outcome)
    if (trial.state === 'errored') return this.#post({ text: `trial ${trial.id} errored: ${trial.error?.message}`, trial: outcome })
  }

  async onExperimentEnd(experiment: ExperimentInfo, summary: ExperimentSummary): Promise<void> {
    const scored = this.#outcomes.filter((o) => typeof o.value === 'number' && !Number.isNaN(o.value))
    const sign = experiment.mode === 'min' ? 1 : -1
    scored.sort((p, q) => sign * ((p.value as number) - (q.value as number)))
    await this.#post({
      text: `experiment ${experiment.name}: ${summary.trials} trials in ${summary.elapsedS.toFixed(1)}s`,
      states: summary.states,
      best: scored.slice(0, 3),
    })
  }

  /** Throws on failure: the hub logs it as a warning, once per hook, and the experiment goes on. */
  async #post(message: unknown): Promise<void> {
    const response = await fetch(this.#url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(this.#timeoutMs),
    })
    if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`)
  }
}

import { userInfo } from 'node:os'
import type { Logger } from '../../logger.ts'
import { experimentObjectives } from '../../objectives/index.ts'
import { flattenConfig } from '../../search/flatten.ts'
import type { ExperimentInfo, ExperimentSummary, Result, TrialInfo } from '../../types.ts'
import { ObjectiveLeaders } from '../objective-leaders.ts'
import type { Tracker } from '../tracker.ts'
import {
  joinWithin,
  MAX_TAG_VALUE_BYTES,
  type MlflowKeyValue,
  type MlflowMetric,
  metricValue,
  mlflowKey,
  paramValue,
  truncateUtf8,
  uniqueKey,
} from './batch.ts'
import { MlflowHttp } from './http.ts'
import { type MLflowTrackerOptions, type ResolvedMLflowOptions, resolveOptions } from './options.ts'
import type { RunStatus } from './run.ts'
import { MlflowSession, type ParamItem } from './session.ts'

export type { MLflowTrackerOptions }

import { scalarMetrics, trialName } from '../trial-metrics.ts'

/** What each trial state becomes as an MLflow run status. */
const STATUS: Readonly<Record<string, RunStatus>> = { completed: 'FINISHED', stopped: 'KILLED', errored: 'FAILED' }

/**
 * Logs an experiment to an MLflow tracking server through its REST API
 * (`/api/2.0/mlflow/`, Node's fetch, no client package): the MLflow
 * experiment is found or created by name; the tuning experiment is a parent
 * run named after it; each trial is a child run (`mlflow.parentRunId`) named
 * `trial_0003`, with the flattened config as params, every numeric metric of
 * every report at step `training_iteration` with the time it arrived, and
 * its end as the run status: FINISHED (completed), KILLED (stopped) or
 * FAILED (errored, with the error in the tag `hyperpool.error`). A retried
 * trial goes on in its run, with the tag `hyperpool.attempt` telling the
 * attempts apart.
 *
 * Hooks never wait for the network: they queue, and one background sender
 * posts `runs/log-batch` requests within MLflow's limits (1,000 metrics,
 * 100 params, 100 tags, 1 MB). A slow, failing or down server is retried
 * with backoff while the experiment runs, with at most `maxBufferedItems`
 * waiting; `onExperimentEnd` sends the rest, waits at most
 * `flushTimeoutMs`, and warns once with what was not delivered. The
 * experiment never fails because of the server.
 *
 * @example
 * ```ts
 * // MLFLOW_TRACKING_URI=http://127.0.0.1:5000
 * new Tuner({ ...options, trackers: [new MLflowTracker({ experimentName: 'iris' })] })
 * ```
 */
export class MLflowTracker implements Tracker {
  /** The server the tracker sends to. */
  readonly trackingUri: string
  readonly #options: ResolvedMLflowOptions
  readonly #http: MlflowHttp
  readonly #logger: Logger
  #session: MlflowSession | undefined
  /** The best trial by each objective and, with several, the Pareto front. */
  #leaders = new ObjectiveLeaders([{ metric: '', mode: 'min' }])
  /** The experiment's space: a conditional config's params name their branch (`model[svm]/C`). */
  #space: unknown
  /** The config last logged per trial, to tag a trial whose config changed when it resumed. */
  readonly #configs = new Map<number, string>()
  /** The attempt last tagged per trial. */
  readonly #attempts = new Map<number, number>()
  /** The MLflow name of each metric key, and the key that owns each name: keys that clean alike get `_2`, `_3`... */
  readonly #metricNames = new Map<string, string>()
  readonly #metricOwners = new Map<string, string>()

  constructor(options?: MLflowTrackerOptions) {
    const o = resolveOptions(options)
    this.trackingUri = o.trackingUri
    this.#options = o
    this.#logger = o.logger
    this.#http = new MlflowHttp({
      uri: this.trackingUri,
      token: o.token,
      username: process.env.MLFLOW_TRACKING_USERNAME,
      password: process.env.MLFLOW_TRACKING_PASSWORD,
      requestTimeoutMs: o.requestTimeoutMs,
      fetch: o.fetch,
    })
  }

  onExperimentStart(experiment: ExperimentInfo): void {
    this.#leaders = new ObjectiveLeaders(experimentObjectives(experiment))
    this.#space = experiment.space
    this.#configs.clear()
    this.#attempts.clear()
    this.#metricNames.clear()
    this.#metricOwners.clear()
    const experimentName = this.#options.experimentName ?? (process.env.MLFLOW_EXPERIMENT_NAME || experiment.name)
    const tags: MlflowKeyValue[] = [
      tag('mlflow.runName', experiment.name),
      tag('mlflow.user', currentUser()),
      tag('mlflow.source.name', 'hyperpool'),
      tag('hyperpool.space', JSON.stringify(experiment.space) ?? ''),
      tag('hyperpool.started_at', experiment.startedAt),
    ]
    // Your tags replace built-in ones of the same key; of two of yours that clean to one key, the first is kept.
    const yours = new Map<string, string>()
    for (const [key, value] of Object.entries(this.#options.tags)) {
      const clean = mlflowKey(key)
      const first = yours.get(clean)
      if (first !== undefined) {
        this.#logger.warn(
          `MLflowTracker: tags ${JSON.stringify(first)} and ${JSON.stringify(key)} both become the MLflow tag ${JSON.stringify(clean)}; only ${JSON.stringify(first)} is logged`,
        )
        continue
      }
      yours.set(clean, key)
      const index = tags.findIndex((t) => t.key === clean)
      if (index >= 0) tags.splice(index, 1)
      tags.push(tag(clean, String(value)))
    }
    const session = new MlflowSession(
      {
        http: this.#http,
        uri: this.trackingUri,
        experimentName,
        maxBufferedItems: this.#options.maxBufferedItems,
        baseDelayMs: this.#options.baseDelayMs,
        maxDelayMs: this.#options.maxDelayMs,
        random: this.#options.random,
        logger: this.#logger,
      },
      experiment.name,
      tags,
      Date.now(),
    )
    this.#session = session
    const settings: Record<string, unknown> = {
      metric: experiment.metric,
      mode: experiment.mode,
      seed: experiment.seed,
      num_samples: experiment.numSamples,
      concurrency: experiment.concurrency,
      searcher: experiment.searcher,
      scheduler: experiment.scheduler,
    }
    session.addParams(session.parent, this.#params(settings))
    session.kick()
  }

  onTrialStart(trial: TrialInfo): void {
    const session = this.#session
    if (session === undefined) return
    const config = JSON.stringify(trial.config) ?? ''
    const attempt = trial.attempt ?? 1
    let run = session.run(trial.id)
    if (run === undefined) {
      run = session.addRun(trial.id, trialName(trial.id), Date.now(), [
        tag('mlflow.runName', trialName(trial.id)),
        tag('mlflow.user', currentUser()),
        tag('hyperpool.trial_id', String(trial.id)),
        tag('hyperpool.seed', String(trial.seed)),
        tag('hyperpool.attempt', String(attempt)),
      ])
      session.addParams(run, this.#params(flattenConfig(trial.config, this.#space)))
    } else {
      if (this.#configs.get(trial.id) !== config) {
        // Params are write-once in MLflow: a config changed on resume (PBT) goes into a tag.
        session.addTags(run, [tag('hyperpool.config', config)])
      }
      if (this.#attempts.get(trial.id) !== attempt) {
        // A retried trial goes on in its run (MLflow cannot delete the failed attempt's points); the tag says which attempt logs now.
        session.addTags(run, [tag('hyperpool.attempt', String(attempt))])
        this.#leaders.forget(trial.id)
      }
    }
    this.#configs.set(trial.id, config)
    this.#attempts.set(trial.id, attempt)
  }

  onTrialResult(trial: TrialInfo, result: Result): void {
    const session = this.#session
    if (session === undefined) return
    this.#leaders.update(trial, result)
    if (session.run(trial.id) === undefined) this.onTrialStart(trial)
    const run = session.run(trial.id)
    if (run === undefined) return
    const timestamp = Date.now()
    const step = result.training_iteration
    const metrics: MlflowMetric[] = []
    for (const [key, value] of scalarMetrics(result)) {
      if (this.#options.skipNonFinite && !Number.isFinite(value)) continue
      metrics.push({ key: this.#metricKey(key), value: metricValue(value), timestamp, step })
    }
    session.addMetrics(run, metrics)
  }

  onTrialEnd(trial: TrialInfo): void {
    const session = this.#session
    const run = session?.run(trial.id)
    if (session === undefined || run === undefined) return
    // A paused trial resumes in the same run.
    const status = STATUS[trial.state]
    if (status === undefined) return
    if (trial.state === 'errored' && trial.error !== undefined) {
      session.addTags(run, [tag('hyperpool.error', `${trial.error.name}: ${trial.error.message}`)])
    }
    session.end(run, status, Date.now())
  }

  async onExperimentEnd(_experiment: ExperimentInfo, summary: ExperimentSummary): Promise<void> {
    const session = this.#session
    if (session === undefined) return
    this.#session = undefined
    const now = Date.now()
    const tags = [tag('hyperpool.trials', String(summary.trials)), tag('hyperpool.interrupted', String(summary.interrupted))]
    const leaders = this.#leaders
    // Each objective's leader: best_<metric> and, with one objective, hyperpool.best_trial; with several, a tag per
    // objective (hyperpool.best_trial.<metric>), as no trial is best on all of them, and the front's trials.
    leaders.objectives.forEach(({ metric }, i) => {
      const leader = leaders.best(i)
      if (leader === undefined) return
      tags.push(tag(leaders.several ? `hyperpool.best_trial.${mlflowKey(metric)}` : 'hyperpool.best_trial', trialName(leader.trial.id)))
      session.addMetrics(session.parent, [{ key: mlflowKey(`best_${metric}`), value: metricValue(leader.value), timestamp: now, step: 0 }])
    })
    if (leaders.several) {
      const front = leaders.front()
      // A long front ends at a whole run name with how many were left out, so every name in the tag is one to look up.
      tags.push(tag('hyperpool.pareto_front', joinWithin(front.map(trialName), ',', MAX_TAG_VALUE_BYTES)))
      session.addMetrics(session.parent, [{ key: 'pareto_front_size', value: front.length, timestamp: now, step: 0 }])
    }
    session.addMetrics(
      session.parent,
      Object.entries(summary.states).map(([state, n]) => ({ key: `trials_${state}`, value: n, timestamp: now, step: 0 })),
    )
    session.addTags(session.parent, tags)
    // Trials still open (paused when the experiment ended) are closed as killed.
    for (const id of this.#configs.keys()) {
      const run = session.run(id)
      if (run !== undefined) session.end(run, 'KILLED', now)
    }
    session.end(session.parent, summary.interrupted ? 'KILLED' : 'FINISHED', now)
    await session.flush(this.#options.flushTimeoutMs)
    const warning = session.report()
    if (warning !== undefined) this.#logger.warn(warning)
  }

  #params(values: Record<string, unknown>): ParamItem[] {
    return Object.entries(values).map(([key, value]) => ({
      key: mlflowKey(key),
      value: truncateUtf8(paramValue(value), this.#options.maxParamBytes),
      original: key,
    }))
  }

  /** The MLflow name of a metric key: cleaned, and made distinct (`_2`, `_3`...) from a different key that cleans alike; the first keeps the plain name. */
  #metricKey(key: string): string {
    const known = this.#metricNames.get(key)
    if (known !== undefined) return known
    const clean = mlflowKey(key)
    const name = uniqueKey(clean, new Set(this.#metricOwners.keys()))
    this.#metricNames.set(key, name)
    this.#metricOwners.set(name, key)
    if (name !== clean) {
      this.#logger.warn(
        `MLflowTracker: metric keys ${JSON.stringify(this.#metricOwners.get(clean))} and ${JSON.stringify(key)} both become ${JSON.stringify(clean)}; ${JSON.stringify(key)} is logged as ${JSON.stringify(name)}`,
      )
    }
    return name
  }
}

function tag(key: string, value: string): MlflowKeyValue {
  return { key, value: truncateUtf8(value, MAX_TAG_VALUE_BYTES) }
}

function currentUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown'
  }
}

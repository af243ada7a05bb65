import type { PluginSummary } from './event.ts'
import { ProtoWriter } from './proto.ts'

/**
 * The summaries TensorBoard's HParams plugin reads, encoded by hand with the
 * field numbers of `tensorboard/plugins/hparams/plugin_data.proto` and
 * `api.proto` (package `tensorboard.hparams`) and of
 * `google/protobuf/struct.proto`:
 *
 * ```proto
 * message HParamsPluginData {
 *   int32 version = 1;            // 0
 *   oneof data { Experiment experiment = 2; SessionStartInfo session_start_info = 3; SessionEndInfo session_end_info = 4; }
 * }
 * message Experiment {
 *   string name = 6; string description = 1; double time_created_secs = 3;
 *   repeated HParamInfo hparam_infos = 4; repeated MetricInfo metric_infos = 5;
 * }
 * message HParamInfo {
 *   string name = 1; DataType type = 4; bool differs = 7;
 *   oneof domain { google.protobuf.ListValue domain_discrete = 5; Interval domain_interval = 6; }
 * }
 * enum DataType { DATA_TYPE_UNSET = 0; DATA_TYPE_STRING = 1; DATA_TYPE_BOOL = 2; DATA_TYPE_FLOAT64 = 3; }
 * message Interval { double min_value = 1; double max_value = 2; }   // closed
 * message MetricInfo { MetricName name = 1; }
 * message MetricName { string group = 1; string tag = 2; }
 * message SessionStartInfo {
 *   map<string, google.protobuf.Value> hparams = 1;
 *   string group_name = 4;         // empty: the session is alone in a group named after its run
 *   double start_time_secs = 5;
 * }
 * message SessionEndInfo { Status status = 1; double end_time_secs = 2; }
 * enum Status { STATUS_UNKNOWN = 0; STATUS_SUCCESS = 1; STATUS_FAILURE = 2; STATUS_RUNNING = 3; }
 * message Value { oneof kind { double number_value = 2; string string_value = 3; bool bool_value = 4; ... } }
 * message ListValue { repeated Value values = 1; }
 * ```
 *
 * Each goes into a summary of the `hparams` plugin whose metadata content is
 * the serialized `HParamsPluginData`: the experiment under the tag
 * `_hparams_/experiment` (in any run, TensorBoard takes the first it finds),
 * a session's start and end under `_hparams_/session_start_info` and
 * `_hparams_/session_end_info` in the session's own run. TensorBoard keeps
 * the first metadata it reads for a tag, so each is written once.
 */

/** The plugin that reads these summaries. */
export const HPARAMS_PLUGIN = 'hparams'

/** The tags TensorBoard's HParams plugin looks for. */
export const HPARAMS_TAGS = {
  experiment: '_hparams_/experiment',
  sessionStart: '_hparams_/session_start_info',
  sessionEnd: '_hparams_/session_end_info',
} as const

/** A hyperparameter's value as HParams holds it: a `google.protobuf.Value` number, string or bool. */
export type HParamValue = number | string | boolean

/** The `DataType` of an HParam. */
export type HParamType = 'string' | 'bool' | 'float64'

const DATA_TYPE: Readonly<Record<HParamType, number>> = { string: 1, bool: 2, float64: 3 }

/**
 * One hyperparameter of the experiment: its name, type and the values it can take.
 *
 * @example
 * ```ts
 * const lr: HParamInfo = { name: 'opt/lr', type: 'float64', interval: [1e-4, 0.1], differs: true }
 * const act: HParamInfo = { name: 'act', type: 'string', discrete: ['relu', 'tanh'], differs: true }
 * ```
 */
export interface HParamInfo {
  readonly name: string
  readonly type: HParamType
  /** The closed interval a numeric hyperparameter's values lie in. */
  readonly interval?: readonly [min: number, max: number]
  /** Every value the hyperparameter can take. Without `interval` or `discrete`, any value of its type. */
  readonly discrete?: readonly HParamValue[]
  /** Whether its value can differ between trials: the dashboard shows those columns first. */
  readonly differs: boolean
}

/**
 * The experiment-level summary: what the HParams dashboard makes its columns of.
 *
 * @example
 * ```ts
 * const experiment: HParamsExperiment = { name: 'exp1', description: '', timeCreatedSecs: 1.7e9, hparams: [], metrics: ['loss'] }
 * ```
 */
export interface HParamsExperiment {
  readonly name: string
  readonly description: string
  readonly timeCreatedSecs: number
  readonly hparams: readonly HParamInfo[]
  /** Scalar tags of the sessions' own runs (the metric group is empty). */
  readonly metrics: readonly string[]
}

/** How a session ended, as the HParams `Status` enum says it. */
export type SessionStatus = 'success' | 'failure'

const STATUS: Readonly<Record<SessionStatus, number>> = { success: 1, failure: 2 }

/** A `google.protobuf.Value` holding a number, a string or a bool. */
function protoValue(value: HParamValue): ProtoWriter {
  const out = new ProtoWriter()
  if (typeof value === 'number') out.double(2, value)
  else if (typeof value === 'string') out.string(3, value)
  else out.bool(4, value)
  return out
}

function hparamInfo(info: HParamInfo): ProtoWriter {
  const out = new ProtoWriter()
  out.string(1, info.name)
  out.int64(4, DATA_TYPE[info.type])
  if (info.discrete !== undefined) {
    const list = new ProtoWriter()
    for (const value of info.discrete) list.message(1, protoValue(value))
    out.message(5, list)
  }
  if (info.interval !== undefined) {
    const interval = new ProtoWriter()
    interval.double(1, info.interval[0])
    interval.double(2, info.interval[1])
    out.message(6, interval)
  }
  if (info.differs) out.bool(7, true)
  return out
}

/** The summary of an `HParamsPluginData` (version 0, not written, as proto3 does) whose `data` is field `field`. */
function pluginSummary(tag: string, field: number, data: ProtoWriter): PluginSummary {
  const pluginData = new ProtoWriter()
  pluginData.message(field, data)
  return { tag, plugin: HPARAMS_PLUGIN, content: pluginData.finish() }
}

/**
 * The `_hparams_/experiment` summary.
 *
 * @example
 * ```ts
 * encodeTbEvent({ wallTime: 1.7e9, plugins: [experimentSummary(experiment)] })
 * ```
 */
export function experimentSummary(experiment: HParamsExperiment): PluginSummary {
  const out = new ProtoWriter()
  if (experiment.description !== '') out.string(1, experiment.description)
  out.double(3, experiment.timeCreatedSecs)
  for (const info of experiment.hparams) out.message(4, hparamInfo(info))
  for (const tag of experiment.metrics) {
    const name = new ProtoWriter()
    name.string(2, tag)
    const metric = new ProtoWriter()
    metric.message(1, name)
    out.message(5, metric)
  }
  if (experiment.name !== '') out.string(6, experiment.name)
  return pluginSummary(HPARAMS_TAGS.experiment, 2, out)
}

/**
 * The `_hparams_/session_start_info` summary of one session (a trial's run).
 * Its group name stays empty, so TensorBoard makes the session a group of its
 * own named after its run (`trial_0003`, or `earlier-<time>/trial_0003` for
 * an earlier experiment in the same logdir, which a written name would merge with it).
 *
 * @example
 * ```ts
 * sessionStartSummary({ hparams: [['lr', 0.01], ['act', 'relu']], startTimeSecs: 1.7e9 })
 * ```
 */
export function sessionStartSummary(start: {
  readonly hparams: ReadonlyArray<readonly [string, HParamValue]>
  readonly startTimeSecs: number
}): PluginSummary {
  const out = new ProtoWriter()
  for (const [name, value] of start.hparams) {
    // A map field is a repeated entry message { key = 1; value = 2; }.
    const entry = new ProtoWriter()
    entry.string(1, name)
    entry.message(2, protoValue(value))
    out.message(1, entry)
  }
  out.double(5, start.startTimeSecs)
  return pluginSummary(HPARAMS_TAGS.sessionStart, 3, out)
}

/**
 * The `_hparams_/session_end_info` summary of one session.
 *
 * @example
 * ```ts
 * sessionEndSummary({ status: 'success', endTimeSecs: 1.7e9 })
 * ```
 */
export function sessionEndSummary(end: { readonly status: SessionStatus; readonly endTimeSecs: number }): PluginSummary {
  const out = new ProtoWriter()
  out.int64(1, STATUS[end.status])
  out.double(2, end.endTimeSecs)
  return pluginSummary(HPARAMS_TAGS.sessionEnd, 4, out)
}

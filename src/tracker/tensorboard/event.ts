import { ProtoWriter } from './proto.ts'

/**
 * The protobuf messages of a TensorBoard event file, encoded by hand (only
 * the fields written here), with their field numbers from TensorFlow's
 * `tensorflow/core/util/event.proto`, `tensorflow/core/framework/summary.proto`
 * and `tensor.proto`:
 *
 * ```proto
 * message Event {
 *   double wall_time = 1;          // seconds since the epoch
 *   int64 step = 2;
 *   oneof what { string file_version = 3; Summary summary = 5; ... }
 * }
 * message Summary {
 *   message Value {
 *     string tag = 1;
 *     SummaryMetadata metadata = 9;
 *     oneof value { float simple_value = 2; TensorProto tensor = 8; ... }
 *   }
 *   repeated Value value = 1;
 * }
 * message SummaryMetadata {
 *   message PluginData { string plugin_name = 1; bytes content = 2; }
 *   PluginData plugin_data = 1;
 * }
 * message TensorProto { DataType dtype = 1; TensorShapeProto tensor_shape = 2; ... }
 * message TensorShapeProto { message Dim { int64 size = 1; } repeated Dim dim = 2; }
 * ```
 *
 * As proto3 encoders do, a zero `step` is not written.
 */

/**
 * A summary that belongs to a TensorBoard plugin: its data is the plugin's own
 * serialized message, carried in the summary's metadata.
 *
 * @example
 * ```ts
 * const summary: PluginSummary = { tag: '_hparams_/session_end_info', plugin: 'hparams', content: new Uint8Array([0x22, 0x02, 0x08, 0x01]) }
 * ```
 */
export interface PluginSummary {
  readonly tag: string
  /** The plugin that reads it, e.g. `hparams`. */
  readonly plugin: string
  readonly content: Uint8Array
}

/**
 * One TensorBoard `Event`: the file header (`fileVersion`), scalars at a
 * step, or plugin summaries.
 *
 * @example
 * ```ts
 * const event: TbEvent = { wallTime: Date.now() / 1000, step: 3, scalars: [['loss', 0.25]] }
 * ```
 */
export interface TbEvent {
  /** Seconds since the epoch, fractional. */
  readonly wallTime: number
  readonly step?: number
  /** The first event of a file says which format it holds: `brain.Event:2`. */
  readonly fileVersion?: string
  /** Tags and values of a `Summary`, each a `simple_value` (a 32-bit float). */
  readonly scalars?: ReadonlyArray<readonly [string, number]>
  /** Values of a `Summary` whose data lives in their metadata, for a plugin. */
  readonly plugins?: readonly PluginSummary[]
}

/** `DT_FLOAT` in TensorFlow's `types.proto`. */
const DT_FLOAT = 1

/**
 * The empty float tensor (shape `[0]`) a plugin summary holds as its value,
 * as TensorBoard's own HParams writer does: its Python loader adds this one
 * to an HParams summary that lacks it, but a summary value is expected to
 * hold one.
 */
function emptyTensor(): ProtoWriter {
  const dim = new ProtoWriter() // size 0: proto3 writes nothing
  const shape = new ProtoWriter()
  shape.message(2, dim)
  const tensor = new ProtoWriter()
  tensor.int64(1, DT_FLOAT)
  tensor.message(2, shape)
  return tensor
}

/**
 * The protobuf bytes of an `Event` (without the TFRecord framing).
 *
 * @example
 * ```ts
 * encodeTbEvent({ wallTime: 1.5, step: 3, scalars: [['loss', 0.25]] }).length // 26
 * ```
 */
export function encodeTbEvent(event: TbEvent): Uint8Array {
  const out = new ProtoWriter()
  out.double(1, event.wallTime)
  if (event.step !== undefined && event.step !== 0) out.int64(2, event.step)
  if (event.fileVersion !== undefined) out.string(3, event.fileVersion)
  if (event.scalars !== undefined || event.plugins !== undefined) {
    const summary = new ProtoWriter()
    for (const [tag, value] of event.scalars ?? []) {
      const item = new ProtoWriter()
      item.string(1, tag)
      item.float(2, value)
      summary.message(1, item)
    }
    for (const { tag, plugin, content } of event.plugins ?? []) {
      const pluginData = new ProtoWriter()
      pluginData.string(1, plugin)
      pluginData.bytes(2, content)
      const metadata = new ProtoWriter()
      metadata.message(1, pluginData)
      const item = new ProtoWriter()
      item.string(1, tag)
      item.message(8, emptyTensor())
      item.message(9, metadata)
      summary.message(1, item)
    }
    out.message(5, summary)
  }
  return out.finish()
}

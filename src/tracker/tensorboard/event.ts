/**
 * The protobuf messages of a TensorBoard event file, encoded by hand (only
 * the fields written here), with their field numbers from TensorFlow's
 * `tensorflow/core/util/event.proto` and `tensorflow/core/framework/summary.proto`:
 *
 * ```proto
 * message Event {
 *   double wall_time = 1;          // seconds since the epoch
 *   int64 step = 2;
 *   oneof what { string file_version = 3; Summary summary = 5; ... }
 * }
 * message Summary {
 *   message Value { string tag = 1; oneof value { float simple_value = 2; ... } ... }
 *   repeated Value value = 1;
 * }
 * ```
 *
 * As proto3 encoders do, a zero `step` is not written.
 */

/** Wire types of the protobuf encoding. */
const VARINT = 0
const FIXED64 = 1
const LENGTH_DELIMITED = 2
const FIXED32 = 5

/**
 * One TensorBoard `Event`: either the file header (`fileVersion`) or scalars at a step.
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
}

/** Appends protobuf fields to a growing byte list. */
class ProtoWriter {
  private readonly parts: Uint8Array[] = []
  private size = 0

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes)
    this.size += bytes.length
  }

  private key(field: number, wireType: number): void {
    this.varint(BigInt((field << 3) | wireType))
  }

  /** An unsigned varint; a negative int64 goes as its 64-bit two's complement (10 bytes), as protobuf does. */
  varint(value: bigint): void {
    let v = BigInt.asUintN(64, value)
    const bytes: number[] = []
    do {
      const low = Number(v & 0x7fn)
      v >>= 7n
      bytes.push(v === 0n ? low : low | 0x80)
    } while (v !== 0n)
    this.push(Uint8Array.from(bytes))
  }

  double(field: number, value: number): void {
    this.key(field, FIXED64)
    const bytes = Buffer.alloc(8)
    bytes.writeDoubleLE(value)
    this.push(bytes)
  }

  float(field: number, value: number): void {
    this.key(field, FIXED32)
    const bytes = Buffer.alloc(4)
    bytes.writeFloatLE(value)
    this.push(bytes)
  }

  int64(field: number, value: number): void {
    this.key(field, VARINT)
    this.varint(BigInt(Math.trunc(value)))
  }

  bytes(field: number, value: Uint8Array): void {
    this.key(field, LENGTH_DELIMITED)
    this.varint(BigInt(value.length))
    this.push(value)
  }

  string(field: number, value: string): void {
    this.bytes(field, Buffer.from(value, 'utf8'))
  }

  finish(): Uint8Array {
    return Buffer.concat(this.parts, this.size)
  }
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
  if (event.scalars !== undefined) {
    const summary = new ProtoWriter()
    for (const [tag, value] of event.scalars) {
      const item = new ProtoWriter()
      item.string(1, tag)
      item.float(2, value)
      summary.bytes(1, item.finish())
    }
    out.bytes(5, summary.finish())
  }
  return out.finish()
}

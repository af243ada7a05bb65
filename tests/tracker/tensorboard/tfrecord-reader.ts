/**
 * An independent reader of TensorBoard event files for the tests: its own
 * bitwise CRC32C (no table, unlike the writer), TFRecord framing checked
 * record by record, and a generic protobuf wire-format decoder that knows
 * no schema; `readEvents` then maps the field numbers of event.proto and
 * summary.proto onto plain objects.
 */
import { readFileSync } from 'node:fs'

/** CRC-32C computed bit by bit from the reflected polynomial 0x82F63B78. */
export function bitwiseCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
  }
  return ~crc >>> 0
}

export function bitwiseMasked(bytes: Uint8Array): number {
  const crc = bitwiseCrc32c(bytes)
  const rotated = ((crc >>> 15) | (crc << 17)) >>> 0
  return (rotated + 0xa282ead8) % 2 ** 32
}

/** The payloads of a TFRecord file; throws on a bad length CRC, data CRC or a cut record. */
export function readRecords(file: Buffer): Buffer[] {
  const records: Buffer[] = []
  let at = 0
  while (at < file.length) {
    if (at + 12 > file.length) throw new Error(`record at ${at}: header cut short`)
    const lengthBytes = file.subarray(at, at + 8)
    const length = Number(lengthBytes.readBigUInt64LE(0))
    if (file.readUInt32LE(at + 8) !== bitwiseMasked(lengthBytes)) throw new Error(`record at ${at}: bad length CRC`)
    const data = file.subarray(at + 12, at + 12 + length)
    if (data.length !== length || at + 16 + length > file.length) throw new Error(`record at ${at}: data cut short`)
    if (file.readUInt32LE(at + 12 + length) !== bitwiseMasked(data)) throw new Error(`record at ${at}: bad data CRC`)
    records.push(Buffer.from(data))
    at += 16 + length
  }
  return records
}

/** One protobuf field as the wire format has it. */
export type WireValue =
  | { wire: 'varint'; value: bigint }
  | { wire: 'fixed64'; bytes: Buffer }
  | { wire: 'bytes'; bytes: Buffer }
  | { wire: 'fixed32'; bytes: Buffer }

/** Decodes a message into its fields, in order, without a schema. */
export function decodeFields(buf: Buffer): Array<{ field: number; value: WireValue }> {
  const out: Array<{ field: number; value: WireValue }> = []
  let at = 0
  const varint = (): bigint => {
    let result = 0n
    let shift = 0n
    for (;;) {
      const byte = buf[at++]
      if (byte === undefined) throw new Error('varint cut short')
      result |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return result
      shift += 7n
    }
  }
  while (at < buf.length) {
    const key = Number(varint())
    const field = key >>> 3
    switch (key & 7) {
      case 0:
        out.push({ field, value: { wire: 'varint', value: varint() } })
        break
      case 1:
        out.push({ field, value: { wire: 'fixed64', bytes: buf.subarray(at, at + 8) } })
        at += 8
        break
      case 2: {
        const length = Number(varint())
        out.push({ field, value: { wire: 'bytes', bytes: buf.subarray(at, at + length) } })
        at += length
        break
      }
      case 5:
        out.push({ field, value: { wire: 'fixed32', bytes: buf.subarray(at, at + 4) } })
        at += 4
        break
      default:
        throw new Error(`unknown wire type ${key & 7}`)
    }
    if (at > buf.length) throw new Error('field cut short')
  }
  return out
}

/** A plugin's summary: its tag, plugin name and content (from the metadata), and the tensor it holds. */
export interface ReadPluginSummary {
  tag: string
  plugin: string
  content: Buffer
  tensor: { dtype: number; dims: number[] }
}

/** An Event as the tests look at it. */
export interface ReadEvent {
  wallTime: number
  step: number
  fileVersion?: string
  scalars: Array<{ tag: string; value: number }>
  plugins: ReadPluginSummary[]
}

function bytesOf(value: WireValue, what: string): Buffer {
  if (value.wire !== 'bytes') throw new Error(`${what}: expected bytes, got ${value.wire}`)
  return value.bytes
}

function varintOf(value: WireValue, what: string): bigint {
  if (value.wire !== 'varint') throw new Error(`${what}: expected a varint, got ${value.wire}`)
  return value.value
}

/** TensorProto: dtype (1, enum), tensor_shape (2) -> TensorShapeProto.dim (2) -> Dim.size (1, int64). */
function readTensor(bytes: Buffer): { dtype: number; dims: number[] } {
  const tensor = { dtype: 0, dims: [] as number[] }
  for (const { field, value } of decodeFields(bytes)) {
    if (field === 1) tensor.dtype = Number(varintOf(value, 'TensorProto.dtype'))
    else if (field === 2) {
      for (const dim of decodeFields(bytesOf(value, 'TensorProto.tensor_shape'))) {
        if (dim.field !== 2) throw new Error(`unexpected TensorShapeProto field ${dim.field}`)
        let size = 0
        for (const part of decodeFields(bytesOf(dim.value, 'TensorShapeProto.dim'))) {
          if (part.field === 1) size = Number(varintOf(part.value, 'Dim.size'))
          else throw new Error(`unexpected Dim field ${part.field}`)
        }
        tensor.dims.push(size)
      }
    } else throw new Error(`unexpected TensorProto field ${field}`)
  }
  return tensor
}

/** SummaryMetadata.plugin_data (1) -> PluginData.plugin_name (1), content (2). */
function readPluginData(metadata: Buffer): { plugin: string; content: Buffer } {
  const out: { plugin: string; content: Buffer } = { plugin: '', content: Buffer.alloc(0) }
  for (const { field, value } of decodeFields(metadata)) {
    if (field !== 1) throw new Error(`unexpected SummaryMetadata field ${field}`)
    for (const part of decodeFields(bytesOf(value, 'SummaryMetadata.plugin_data'))) {
      if (part.field === 1) out.plugin = bytesOf(part.value, 'PluginData.plugin_name').toString('utf8')
      else if (part.field === 2) out.content = bytesOf(part.value, 'PluginData.content')
      else throw new Error(`unexpected PluginData field ${part.field}`)
    }
  }
  return out
}

/**
 * Reads an event file: Event.wall_time (1, double), step (2, int64), file_version (3), summary (5) →
 * Summary.value (1) → Value.tag (1) with simple_value (2, float), or with metadata (9) and tensor (8).
 */
export function readEvents(path: string): ReadEvent[] {
  return readRecords(readFileSync(path)).map((record) => {
    const event: ReadEvent = { wallTime: Number.NaN, step: 0, scalars: [], plugins: [] }
    for (const { field, value } of decodeFields(record)) {
      if (field === 1 && value.wire === 'fixed64') event.wallTime = value.bytes.readDoubleLE(0)
      else if (field === 2 && value.wire === 'varint') event.step = Number(BigInt.asIntN(64, value.value))
      else if (field === 3 && value.wire === 'bytes') event.fileVersion = value.bytes.toString('utf8')
      else if (field === 5 && value.wire === 'bytes') {
        for (const item of decodeFields(value.bytes)) {
          if (item.field !== 1 || item.value.wire !== 'bytes') throw new Error(`unexpected Summary field ${item.field}`)
          let tag = ''
          let scalar: number | undefined
          let plugin: { plugin: string; content: Buffer } | undefined
          let tensor: { dtype: number; dims: number[] } | undefined
          for (const part of decodeFields(item.value.bytes)) {
            if (part.field === 1 && part.value.wire === 'bytes') tag = part.value.bytes.toString('utf8')
            else if (part.field === 2 && part.value.wire === 'fixed32') scalar = part.value.bytes.readFloatLE(0)
            else if (part.field === 8) tensor = readTensor(bytesOf(part.value, 'Value.tensor'))
            else if (part.field === 9) plugin = readPluginData(bytesOf(part.value, 'Value.metadata'))
            else throw new Error(`unexpected Summary.Value field ${part.field}`)
          }
          if (scalar !== undefined && plugin === undefined && tensor === undefined) event.scalars.push({ tag, value: scalar })
          else if (scalar === undefined && plugin !== undefined && tensor !== undefined) event.plugins.push({ tag, ...plugin, tensor })
          else throw new Error(`Summary.Value ${tag}: needs a simple_value, or metadata with a tensor`)
        }
      } else throw new Error(`unexpected Event field ${field} (${value.wire})`)
    }
    return event
  })
}

/**
 * An independent decoder of the HParams plugin's content for the tests: the
 * schema-less wire decoder of tfrecord-reader.ts, with the field numbers of
 * plugin_data.proto, api.proto and struct.proto mapped onto the object that
 * protobuf's JSON mapping gives (camelCase names, enum names, fields at their
 * default value left out), which is what TensorBoard's Python
 * `json_format.MessageToDict` prints, so one expectation serves both.
 */
import { decodeFields, type WireValue } from './tfrecord-reader.ts'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

const DATA_TYPES = ['DATA_TYPE_UNSET', 'DATA_TYPE_STRING', 'DATA_TYPE_BOOL', 'DATA_TYPE_FLOAT64']
const STATUSES = ['STATUS_UNKNOWN', 'STATUS_SUCCESS', 'STATUS_FAILURE', 'STATUS_RUNNING']

function bytes(value: WireValue): Buffer {
  if (value.wire !== 'bytes') throw new Error(`expected bytes, got ${value.wire}`)
  return value.bytes
}
const text = (value: WireValue): string => bytes(value).toString('utf8')
function double(value: WireValue): number {
  if (value.wire !== 'fixed64') throw new Error(`expected a double, got ${value.wire}`)
  return value.bytes.readDoubleLE(0)
}
function varint(value: WireValue): number {
  if (value.wire !== 'varint') throw new Error(`expected a varint, got ${value.wire}`)
  return Number(BigInt.asIntN(64, value.value))
}
function enumName(names: readonly string[], value: WireValue): string {
  const name = names[varint(value)]
  if (name === undefined) throw new Error(`unknown enum value ${varint(value)}`)
  return name
}

/** Decodes `buf` with one reader per field number; a field without a reader fails the test. */
function message(
  buf: Buffer,
  what: string,
  readers: Record<number, (value: WireValue, out: Record<string, Json>) => void>,
): Record<string, Json> {
  const out: Record<string, Json> = {}
  for (const { field, value } of decodeFields(buf)) {
    const read = readers[field]
    if (read === undefined) throw new Error(`unexpected ${what} field ${field}`)
    read(value, out)
  }
  return out
}

const push = (out: Record<string, Json>, key: string, item: Json) => {
  out[key] = [...((out[key] as Json[] | undefined) ?? []), item]
}

/** google.protobuf.Value: null_value (1), number_value (2), string_value (3), bool_value (4); lists and structs are not written. */
function protoValue(buf: Buffer): Json {
  const fields = decodeFields(buf)
  const only = fields[0]
  if (fields.length !== 1 || only === undefined) throw new Error(`a Value needs exactly one field, got ${fields.length}`)
  if (only.field === 2) return double(only.value)
  if (only.field === 3) return text(only.value)
  if (only.field === 4) return varint(only.value) !== 0
  throw new Error(`unexpected Value field ${only.field}`)
}

function hparamInfo(buf: Buffer): Json {
  return message(buf, 'HParamInfo', {
    1: (v, o) => (o.name = text(v)),
    4: (v, o) => (o.type = enumName(DATA_TYPES, v)),
    5: (v, o) =>
      (o.domainDiscrete = decodeFields(bytes(v)).map(({ field, value }) => {
        if (field !== 1) throw new Error(`unexpected ListValue field ${field}`)
        return protoValue(bytes(value))
      })),
    6: (v, o) =>
      (o.domainInterval = message(bytes(v), 'Interval', {
        1: (w, i) => (i.minValue = double(w)),
        2: (w, i) => (i.maxValue = double(w)),
      })),
    7: (v, o) => (o.differs = varint(v) !== 0),
  })
}

function experiment(buf: Buffer): Json {
  return message(buf, 'Experiment', {
    1: (v, o) => (o.description = text(v)),
    3: (v, o) => (o.timeCreatedSecs = double(v)),
    4: (v, o) => push(o, 'hparamInfos', hparamInfo(bytes(v))),
    5: (v, o) =>
      push(
        o,
        'metricInfos',
        message(bytes(v), 'MetricInfo', {
          1: (w, m) =>
            (m.name = message(bytes(w), 'MetricName', {
              1: (x, n) => (n.group = text(x)),
              2: (x, n) => (n.tag = text(x)),
            })),
        }),
      ),
    6: (v, o) => (o.name = text(v)),
  })
}

function sessionStartInfo(buf: Buffer): Json {
  return message(buf, 'SessionStartInfo', {
    1: (v, o) => {
      const entry = message(bytes(v), 'hparams entry', {
        1: (w, e) => (e.key = text(w)),
        2: (w, e) => (e.value = protoValue(bytes(w))),
      })
      o.hparams = { ...((o.hparams as Record<string, Json> | undefined) ?? {}), [entry.key as string]: entry.value ?? null }
    },
    4: (v, o) => (o.groupName = text(v)),
    5: (v, o) => (o.startTimeSecs = double(v)),
  })
}

function sessionEndInfo(buf: Buffer): Json {
  return message(buf, 'SessionEndInfo', {
    1: (v, o) => (o.status = enumName(STATUSES, v)),
    2: (v, o) => (o.endTimeSecs = double(v)),
  })
}

/**
 * HParamsPluginData: version (1), then one of experiment (2), session_start_info (3), session_end_info (4).
 *
 * @example
 * ```ts
 * decodeHParams(summary.content) // { sessionEndInfo: { status: 'STATUS_SUCCESS', endTimeSecs: 1.5 } }
 * ```
 */
export function decodeHParams(content: Buffer): Record<string, Json> {
  return message(content, 'HParamsPluginData', {
    1: (v, o) => (o.version = varint(v)),
    2: (v, o) => (o.experiment = experiment(bytes(v))),
    3: (v, o) => (o.sessionStartInfo = sessionStartInfo(bytes(v))),
    4: (v, o) => (o.sessionEndInfo = sessionEndInfo(bytes(v))),
  })
}

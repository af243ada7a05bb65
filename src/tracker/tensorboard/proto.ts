/**
 * A protobuf encoder for the few field kinds TensorBoard's messages need,
 * written by hand so the tracker carries no protobuf dependency. Fields are
 * written in the order they are called; a parser accepts any order.
 */

/** Wire types of the protobuf encoding. */
const VARINT = 0
const FIXED64 = 1
const LENGTH_DELIMITED = 2
const FIXED32 = 5

/**
 * Appends protobuf fields to a growing byte list; `finish` returns the message's bytes.
 *
 * @example
 * ```ts
 * const interval = new ProtoWriter()
 * interval.double(1, 0)
 * interval.double(2, 1)
 * const outer = new ProtoWriter()
 * outer.message(6, interval) // a nested message is a length-delimited field
 * outer.finish()
 * ```
 */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = []
  private size = 0

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes)
    this.size += bytes.length
  }

  private key(field: number, wireType: number): void {
    this.varint(BigInt((field << 3) | wireType))
  }

  /** An unsigned varint; a negative int32/int64 goes as its 64-bit two's complement (10 bytes), as protobuf does. */
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

  /** An int32, int64 or enum field: all three are varints on the wire. */
  int64(field: number, value: number): void {
    this.key(field, VARINT)
    this.varint(BigInt(Math.trunc(value)))
  }

  bool(field: number, value: boolean): void {
    this.key(field, VARINT)
    this.varint(value ? 1n : 0n)
  }

  bytes(field: number, value: Uint8Array): void {
    this.key(field, LENGTH_DELIMITED)
    this.varint(BigInt(value.length))
    this.push(value)
  }

  string(field: number, value: string): void {
    this.bytes(field, Buffer.from(value, 'utf8'))
  }

  /** A nested message, from the writer that built it. */
  message(field: number, value: ProtoWriter): void {
    this.bytes(field, value.finish())
  }

  finish(): Uint8Array {
    return Buffer.concat(this.parts, this.size)
  }
}

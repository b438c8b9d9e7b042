/** One AWS event-stream message: its string headers (`:event-type`, `:message-type`, …) and payload. */
export interface EventStreamMessage {
  headers: Record<string, string>;
  payload: Uint8Array;
}

/** Prelude (total length, headers length, prelude CRC) and the trailing message CRC. */
const PRELUDE_BYTES = 12;
const TRAILER_BYTES = 4;
/** A frame larger than this is not a Bedrock event; decoding stops rather than buffering without end. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Byte sizes of the fixed-size header value types (0–5, 8, 9); 6 and 7 carry a 2-byte length. */
const FIXED_SIZES: Record<number, number> = { 0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16 };

const decodeHeaders = (bytes: Uint8Array): Record<string, string> => {
  const headers: Record<string, string> = {};
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder();
  let offset = 0;
  while (offset < bytes.length) {
    const nameLength = view.getUint8(offset);
    const name = text.decode(bytes.subarray(offset + 1, offset + 1 + nameLength));
    offset += 1 + nameLength;
    const type = view.getUint8(offset);
    offset += 1;
    if (type === 6 || type === 7) {
      const length = view.getUint16(offset);
      const value = bytes.subarray(offset + 2, offset + 2 + length);
      if (type === 7) headers[name] = text.decode(value);
      offset += 2 + length;
    } else {
      const size = FIXED_SIZES[type];
      if (size === undefined) throw new Error(`event-stream header ${name} has unknown type ${type}`);
      offset += size;
    }
  }
  return headers;
};

/**
 * Incremental decoder of the AWS event-stream encoding that the Bedrock runtime streams in
 * (https://smithy.io/2.0/aws/amazon-eventstream.html). CRCs are left to the SDK that consumes the same bytes:
 * the monitor only reads.
 */
export class EventStreamDecoder {
  private buffer: Uint8Array = new Uint8Array(0);

  /** Decodes a chunk; returns the messages it completed. Throws on a frame that cannot be one. */
  public push(chunk: Uint8Array): EventStreamMessage[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const messages: EventStreamMessage[] = [];
    while (this.buffer.length >= PRELUDE_BYTES) {
      const view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
      const total = view.getUint32(0);
      const headersLength = view.getUint32(4);
      if (total < PRELUDE_BYTES + TRAILER_BYTES + headersLength || total > MAX_FRAME_BYTES) {
        throw new Error(`not an event-stream frame (length ${total})`);
      }
      if (this.buffer.length < total) break;
      const headers = decodeHeaders(this.buffer.subarray(PRELUDE_BYTES, PRELUDE_BYTES + headersLength));
      const payload = this.buffer.subarray(PRELUDE_BYTES + headersLength, total - TRAILER_BYTES);
      messages.push({ headers, payload });
      this.buffer = this.buffer.subarray(total);
    }
    return messages;
  }
}

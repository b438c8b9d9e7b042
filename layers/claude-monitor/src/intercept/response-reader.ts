import { EventStreamDecoder } from './decoders/event-stream-decoder';
import { SseDecoder } from './decoders/sse-decoder';
import {
  applyAnthropicEvent,
  applyConverseBody,
  applyConverseEvent,
  applyMessageBody,
  countContentDelta,
  emptyFacts,
  type ResponseFacts,
} from './response-facts';
import { TARGET_KIND, type Target } from './targets';

/** Error bodies are short; more than this is not kept. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** JSON answers are kept whole until the record is built; beyond this their usage is left unread. */
const MAX_JSON_BODY_BYTES = 32 * 1024 * 1024;

/** How a response body is read, chosen from its status and content type. */
export const READ_MODE = {
  json: 'json',
  sse: 'sse',
  eventStream: 'event_stream',
  error: 'error',
  /** Batch results: read line by line as the caller reads them (never buffered ahead). */
  lines: 'lines',
} as const;
export type ReadMode = (typeof READ_MODE)[keyof typeof READ_MODE];

export const readModeOf = (target: Target, status: number, contentType: string | undefined): ReadMode => {
  if (status >= 400) return READ_MODE.error;
  if (target.kind === TARGET_KIND.batchResults) return READ_MODE.lines;
  const type = contentType?.toLowerCase() ?? '';
  if (type.includes('text/event-stream')) return READ_MODE.sse;
  if (type.includes('vnd.amazon.eventstream')) return READ_MODE.eventStream;
  return READ_MODE.json;
};

const CONTENT_DELTA_PREFIX = '{"type":"content_block_delta"';

/**
 * Reads a response body as it arrives and keeps what the record needs. Stream events are applied at once
 * (a stream the caller never reads still yields its usage); a JSON body is kept and parsed once, when the
 * record is built, off the caller's path. Never throws: a body it cannot read leaves `unreadable` set.
 */
export class ResponseReader {
  public readonly facts: ResponseFacts = emptyFacts();
  /** Why the body could not be read, if it could not. */
  public unreadable: string | undefined;
  private readonly chunks: Uint8Array[] = [];
  private bytes = 0;
  private sse?: SseDecoder;
  private eventStream?: EventStreamDecoder;
  private readonly text = new TextDecoder();
  private lineRest = '';

  public constructor(
    private readonly target: Target,
    public readonly mode: ReadMode,
    private readonly capture: boolean,
    /** Batch results: called with each complete JSON line. */
    private readonly onLine?: (line: string) => void,
  ) {}

  public push(chunk: Uint8Array): void {
    if (this.unreadable !== undefined) return;
    try {
      switch (this.mode) {
        case READ_MODE.json:
        case READ_MODE.error:
          this.keep(chunk, this.mode === READ_MODE.json ? MAX_JSON_BODY_BYTES : MAX_ERROR_BODY_BYTES);
          break;
        case READ_MODE.sse:
          this.sse ??= new SseDecoder();
          for (const event of this.sse.push(chunk)) this.onSse(event.event, event.data);
          break;
        case READ_MODE.eventStream:
          this.eventStream ??= new EventStreamDecoder();
          for (const message of this.eventStream.push(chunk))
            this.onEventStream(message.headers, message.payload);
          break;
        case READ_MODE.lines:
          this.onLines(this.text.decode(chunk, { stream: true }));
          break;
      }
    } catch (error) {
      this.unreadable = error instanceof Error ? error.message : String(error);
    }
  }

  /** The body ended normally. */
  public end(): void {
    if (this.unreadable !== undefined) return;
    try {
      if (this.mode === READ_MODE.sse && this.sse) {
        for (const event of this.sse.end()) this.onSse(event.event, event.data);
      } else if (this.mode === READ_MODE.lines) {
        this.onLines(`${this.text.decode()}\n`);
      }
    } catch (error) {
      this.unreadable = error instanceof Error ? error.message : String(error);
    }
  }

  /** Parses a kept JSON body into the facts; called once, when the record is built. */
  public settle(): void {
    if (this.mode !== READ_MODE.json || this.unreadable !== undefined || this.chunks.length === 0) return;
    try {
      const body = JSON.parse(this.bodyText()) as Record<string, unknown>;
      if (this.target.kind === TARGET_KIND.bedrockConverse) applyConverseBody(this.facts, body, this.capture);
      else applyMessageBody(this.facts, body, this.capture);
    } catch (error) {
      this.unreadable = `response body is not JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.chunks.length = 0;
  }

  /** An error body's text (`error` mode), for the record's error message. */
  public bodyText(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  private keep(chunk: Uint8Array, limit: number): void {
    this.bytes += chunk.byteLength;
    if (this.bytes > limit) {
      if (this.mode === READ_MODE.json) this.unreadable = `response body over ${limit} bytes`;
      return;
    }
    this.chunks.push(chunk);
  }

  private onSse(name: string, data: string): void {
    // Content deltas are by far the most frequent event: counted without a parse unless text is captured.
    if (name === 'content_block_delta' && !this.capture) {
      countContentDelta(this.facts);
      return;
    }
    if (name === 'ping' || data === '') return;
    applyAnthropicEvent(this.facts, JSON.parse(data) as object, this.capture);
  }

  private onEventStream(headers: Record<string, string>, payload: Uint8Array): void {
    if (headers[':message-type'] === 'exception') {
      const message = Buffer.from(payload).toString('utf8');
      this.facts.streamError = { type: headers[':exception-type'] ?? 'exception', message };
      return;
    }
    const json = JSON.parse(Buffer.from(payload).toString('utf8')) as Record<string, unknown>;
    if (this.target.kind === TARGET_KIND.bedrockConverse) {
      applyConverseEvent(this.facts, headers[':event-type'] ?? '', json, this.capture);
      return;
    }
    // InvokeModelWithResponseStream: each `chunk` carries one Anthropic event, base64-encoded.
    if (typeof json.bytes !== 'string') return;
    const inner = Buffer.from(json.bytes, 'base64').toString('utf8');
    if (!this.capture && inner.startsWith(CONTENT_DELTA_PREFIX)) {
      countContentDelta(this.facts);
      return;
    }
    applyAnthropicEvent(this.facts, JSON.parse(inner) as object, this.capture);
  }

  private onLines(text: string): void {
    const lines = (this.lineRest + text).split('\n');
    this.lineRest = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') this.onLine?.(line);
  }
}

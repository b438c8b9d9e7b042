/**
 * The Bedrock runtime side of the local Messages stand-in: `InvokeModel`, `InvokeModelWithResponseStream`,
 * `Converse` and `ConverseStream` with Claude, answered in the shapes the Bedrock runtime documents
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Operations_Amazon_Bedrock_Runtime.html), so the
 * real AWS SDK and `@anthropic-ai/bedrock-sdk` can be driven against it.
 */
import type { ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';

export const BEDROCK_PATH =
  /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream|converse|converse-stream)$/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Header = [name: string, value: string];

/** One AWS event-stream frame (https://smithy.io/2.0/aws/amazon-eventstream.html): prelude, string headers, payload, CRCs. */
export const encodeFrame = (headerList: Header[], payload: string): Buffer => {
  const headers = Buffer.concat(
    headerList.map(([name, value]) => {
      const nameBytes = Buffer.from(name);
      const valueBytes = Buffer.from(value);
      const header = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
      header.writeUInt8(nameBytes.length, 0);
      nameBytes.copy(header, 1);
      header.writeUInt8(7, 1 + nameBytes.length);
      header.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
      valueBytes.copy(header, 4 + nameBytes.length);
      return header;
    }),
  );
  const body = Buffer.from(payload);
  const total = 12 + headers.length + body.length + 4;
  const frame = Buffer.alloc(total);
  frame.writeUInt32BE(total, 0);
  frame.writeUInt32BE(headers.length, 4);
  frame.writeUInt32BE(crc32(frame.subarray(0, 8)), 8);
  headers.copy(frame, 12);
  body.copy(frame, 12 + headers.length);
  frame.writeUInt32BE(crc32(frame.subarray(0, total - 4)), total - 4);
  return frame;
};

const eventFrame = (eventType: string, payload: unknown): Buffer =>
  encodeFrame(
    [
      [':event-type', eventType],
      [':content-type', 'application/json'],
      [':message-type', 'event'],
    ],
    JSON.stringify(payload),
  );

const writeFrames = async (res: ServerResponse, frames: Buffer[], delayMs: number): Promise<void> => {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
  for (const frame of frames) {
    if (res.destroyed) return;
    res.write(frame);
    if (delayMs > 0) await sleep(delayMs);
  }
  res.end();
};

/** InvokeModelWithResponseStream: each Anthropic event in a `chunk` event, base64-encoded. */
export const sendInvokeStream = (res: ServerResponse, events: Record<string, unknown>[], delayMs: number) =>
  writeFrames(
    res,
    events.map((event) =>
      eventFrame('chunk', { bytes: Buffer.from(JSON.stringify(event)).toString('base64') }),
    ),
    delayMs,
  );

interface MessageLike {
  content: { text: string }[];
  stop_reason: string;
  usage: {
    input_tokens: number;
    output_tokens: number;
    cache_read_input_tokens: number;
    cache_creation_input_tokens: number;
  };
}

/** Converse's token usage (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html). */
const converseUsage = (message: MessageLike) => {
  const { input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens } = message.usage;
  return {
    inputTokens: input_tokens,
    outputTokens: output_tokens,
    totalTokens: input_tokens + output_tokens + cache_read_input_tokens + cache_creation_input_tokens,
    cacheReadInputTokens: cache_read_input_tokens,
    cacheWriteInputTokens: cache_creation_input_tokens,
  };
};

/** Converse: the whole answer in one JSON body. */
export const sendConverse = (res: ServerResponse, message: MessageLike, requestId: string): void => {
  res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
  res.end(
    JSON.stringify({
      output: { message: { role: 'assistant', content: [{ text: message.content[0]?.text ?? '' }] } },
      stopReason: message.stop_reason,
      usage: converseUsage(message),
      metrics: { latencyMs: 42 },
    }),
  );
};

/** ConverseStream: messageStart, text deltas, messageStop, then usage in `metadata`. */
export const sendConverseStream = (res: ServerResponse, message: MessageLike, delayMs: number) => {
  const words = (message.content[0]?.text ?? '').split(/(?<= )/);
  const frames = [
    eventFrame('messageStart', { role: 'assistant' }),
    ...words.map((text) => eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text } })),
    eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
    eventFrame('messageStop', { stopReason: message.stop_reason }),
    eventFrame('metadata', { usage: converseUsage(message), metrics: { latencyMs: 42 } }),
  ];
  return writeFrames(res, frames, delayMs);
};

/** AWS error types by status, as the Bedrock runtime names them (`x-amzn-errortype`). */
const AWS_ERROR_TYPES: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

/** An error in the AWS JSON protocol's shape. */
export const sendBedrockError = (res: ServerResponse, status: number, message: string, requestId: string) => {
  const type = AWS_ERROR_TYPES[status] ?? 'InternalServerException';
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    'x-amzn-requestid': requestId,
  });
  res.end(JSON.stringify({ message }));
};

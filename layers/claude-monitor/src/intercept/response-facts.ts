import { mergeRawUsage, type RawUsage } from '../client/usage';

/** What a response said about its call, gathered as its bytes arrive. */
export interface ResponseFacts {
  /** Usage as reported; `message_delta` counts are cumulative and replace `message_start`'s. */
  usage?: RawUsage;
  /** Model the response reported. */
  model?: string;
  stopReason?: string;
  /** The API's final usage report arrived (a whole JSON body, `message_delta`, Converse `metadata`). */
  finalUsage: boolean;
  /** The stream's own end marker arrived (`message_stop`, Converse `messageStop`). */
  sawStop: boolean;
  /** Content deltas seen: a lower bound of the output tokens when a stream is cut before its final usage. */
  contentDeltas: number;
  /** `performance.now()` at the first stream event. */
  firstEventAt?: number;
  /** An error event inside a successful (HTTP 200) stream. */
  streamError?: { type: string; message: string };
  /** Text of the answer, only gathered when content capture is on. */
  completion: string;
}

export const emptyFacts = (): ResponseFacts => ({
  finalUsage: false,
  sawStop: false,
  contentDeltas: 0,
  completion: '',
});

interface AnthropicEvent {
  type?: string;
  message?: { model?: string; usage?: RawUsage };
  usage?: RawUsage;
  delta?: { stop_reason?: string | null; type?: string; text?: string };
  error?: { type?: string; message?: string };
}

/** Applies one Anthropic stream event (SSE `data`, or the decoded chunk of a Bedrock stream). */
export const applyAnthropicEvent = (facts: ResponseFacts, event: AnthropicEvent, capture: boolean): void => {
  facts.firstEventAt ??= performance.now();
  switch (event.type) {
    case 'message_start':
      if (event.message?.model) facts.model = event.message.model;
      if (event.message?.usage) facts.usage = mergeRawUsage(facts.usage, event.message.usage);
      break;
    case 'message_delta':
      if (event.usage) {
        facts.usage = mergeRawUsage(facts.usage, event.usage);
        facts.finalUsage = true;
      }
      if (event.delta?.stop_reason) facts.stopReason = event.delta.stop_reason;
      break;
    case 'content_block_delta':
      facts.contentDeltas++;
      if (capture && event.delta?.type === 'text_delta') facts.completion += event.delta.text ?? '';
      break;
    case 'message_stop':
      facts.sawStop = true;
      break;
    case 'error':
      facts.streamError = {
        type: event.error?.type ?? 'error',
        message: event.error?.message ?? 'error event in the stream',
      };
      break;
  }
};

/** Counts a content delta without parsing it (the hot path of a long stream). */
export const countContentDelta = (facts: ResponseFacts): void => {
  facts.firstEventAt ??= performance.now();
  facts.contentDeltas++;
};

interface MessageBody {
  model?: string;
  stop_reason?: string | null;
  usage?: RawUsage;
  content?: { type?: string; text?: string }[];
}

/** Applies a whole Messages API response body (Anthropic, Vertex, Bedrock InvokeModel). */
export const applyMessageBody = (facts: ResponseFacts, body: MessageBody, capture: boolean): void => {
  if (typeof body.model === 'string') facts.model = body.model;
  if (body.stop_reason) facts.stopReason = body.stop_reason;
  if (body.usage) {
    facts.usage = body.usage;
    facts.finalUsage = true;
  }
  facts.sawStop = true;
  if (capture && Array.isArray(body.content)) {
    facts.completion = body.content
      .filter((block) => block?.type === 'text')
      .map((block) => block.text ?? '')
      .join('');
  }
};

/** Bedrock Converse usage (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html). */
interface ConverseUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

const converseUsage = (usage: ConverseUsage): RawUsage => ({
  input_tokens: usage.inputTokens ?? 0,
  output_tokens: usage.outputTokens ?? 0,
  cache_read_input_tokens: usage.cacheReadInputTokens ?? 0,
  cache_creation_input_tokens: usage.cacheWriteInputTokens ?? 0,
});

interface ConverseBody {
  stopReason?: string;
  usage?: ConverseUsage;
  output?: { message?: { content?: { text?: string }[] } };
}

/** Applies a whole Converse response body (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html). */
export const applyConverseBody = (facts: ResponseFacts, body: ConverseBody, capture: boolean): void => {
  if (body.stopReason) facts.stopReason = body.stopReason;
  if (body.usage) {
    facts.usage = converseUsage(body.usage);
    facts.finalUsage = true;
  }
  facts.sawStop = true;
  if (capture) {
    facts.completion = (body.output?.message?.content ?? []).map((block) => block?.text ?? '').join('');
  }
};

/**
 * Applies one ConverseStream event, named by its `:event-type` header
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html).
 */
export const applyConverseEvent = (
  facts: ResponseFacts,
  eventType: string,
  payload: Record<string, unknown>,
  capture: boolean,
): void => {
  facts.firstEventAt ??= performance.now();
  switch (eventType) {
    case 'contentBlockDelta': {
      facts.contentDeltas++;
      const text = (payload.delta as { text?: unknown } | undefined)?.text;
      if (capture && typeof text === 'string') facts.completion += text;
      break;
    }
    case 'messageStop':
      if (typeof payload.stopReason === 'string') facts.stopReason = payload.stopReason;
      facts.sawStop = true;
      break;
    case 'metadata':
      if (payload.usage && typeof payload.usage === 'object') {
        facts.usage = converseUsage(payload.usage as ConverseUsage);
        facts.finalUsage = true;
      }
      break;
  }
};

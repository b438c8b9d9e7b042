import type { Provider } from '../domain/call-record';

/**
 * The Claude requests the monitor records, recognised by what goes over the wire, so that every client that
 * speaks these protocols is covered however it was built: `@anthropic-ai/sdk` (any copy, bundled or not),
 * `@anthropic-ai/bedrock-sdk`, `@anthropic-ai/vertex-sdk` and the AWS SDK's Bedrock runtime client.
 */
export const TARGET_KIND = {
  /** Messages API, JSON or SSE: Anthropic (`POST …/v1/messages`) and Vertex (`:rawPredict`/`:streamRawPredict`). */
  messages: 'messages',
  /** Bedrock `InvokeModel` / `InvokeModelWithResponseStream` with an Anthropic request body. */
  bedrockInvoke: 'bedrock_invoke',
  /** Bedrock `Converse` / `ConverseStream` with a Claude model. */
  bedrockConverse: 'bedrock_converse',
  /** `GET …/v1/messages/batches/<id>/results`: one JSON line per batch result. */
  batchResults: 'batch_results',
} as const;
export type TargetKind = (typeof TARGET_KIND)[keyof typeof TARGET_KIND];

/** A recognised Claude request. */
export interface Target {
  kind: TargetKind;
  provider: Provider;
  /** `client.beta.*` (`?beta=true` on the Anthropic API). */
  beta: boolean;
  /** The endpoint itself streams (Bedrock `…-with-response-stream`/`converse-stream`, Vertex `:streamRawPredict`). */
  streamEndpoint: boolean;
  /** Model id carried by the URL (Bedrock, Vertex). */
  urlModel?: string;
  /** Batch id of a results download. */
  batchId?: string;
  /**
   * The URL alone does not show the request is for Claude (a Bedrock application inference profile): it is
   * only when its body is an Anthropic request (`anthropic_version`), checked once the body is known.
   */
  confirmByBody?: true;
}

/** What classification needs to know of a request, whatever the HTTP client. */
export interface RequestFacts {
  method: string;
  /** Absolute URL. */
  url: string;
  /** Lower-case header lookup. */
  header: (name: string) => string | undefined;
}

const MESSAGES_PATH = /\/v1\/messages\/?$/;
const BATCH_RESULTS_PATH = /\/v1\/messages\/batches\/([^/]+)\/results\/?$/;
const BEDROCK_PATH = /\/model\/([^/]+)\/(invoke|invoke-with-response-stream|converse|converse-stream)\/?$/;
const VERTEX_PATH = /\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;
/** Bedrock ids and ARNs of Claude models name the provider or the family. */
const CLAUDE_ID = /anthropic|claude/i;

const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

const bedrockTarget = (match: RegExpExecArray): Target | undefined => {
  const model = decode(match[1]!);
  const action = match[2]!;
  const converse = action.startsWith('converse');
  const named = CLAUDE_ID.test(model);
  // An application inference profile ARN names neither provider nor model: for InvokeModel the request's
  // Anthropic body says it is Claude; Converse carries no such mark, so those calls are not recognised.
  if (!named && converse) return undefined;
  return {
    kind: converse ? TARGET_KIND.bedrockConverse : TARGET_KIND.bedrockInvoke,
    provider: 'bedrock',
    beta: false,
    streamEndpoint: action.endsWith('stream'),
    urlModel: model,
    ...(named ? {} : { confirmByBody: true as const }),
  };
};

/**
 * Recognises a Claude request from its method, URL and headers, or returns undefined for anything else (the
 * common case, answered from the path alone). Anthropic's own API is recognised by its path and the
 * `anthropic-version` header every Anthropic SDK sends, so a custom base URL (a proxy, a local stand-in) is
 * covered too; Bedrock by its runtime paths and a Claude model id; Vertex by its publisher path.
 * `count_tokens` and the other APIs are free or not token-billed and are left alone.
 */
export const classifyRequest = (facts: RequestFacts): Target | undefined => {
  let url: URL;
  try {
    url = new URL(facts.url);
  } catch {
    return undefined;
  }
  const path = url.pathname;
  const method = facts.method.toUpperCase();
  if (method === 'GET') {
    const batch = BATCH_RESULTS_PATH.exec(path);
    if (!batch) return undefined;
    return {
      kind: TARGET_KIND.batchResults,
      provider: 'anthropic',
      beta: url.searchParams.get('beta') === 'true',
      streamEndpoint: false,
      batchId: decode(batch[1]!),
    };
  }
  if (method !== 'POST') return undefined;
  if (MESSAGES_PATH.test(path)) {
    if (facts.header('anthropic-version') === undefined) return undefined;
    return {
      kind: TARGET_KIND.messages,
      provider: 'anthropic',
      // `client.beta.*` adds `?beta=true` (SDKs before 1.0) or, with `betas`, the `anthropic-beta` header.
      beta: url.searchParams.get('beta') === 'true' || facts.header('anthropic-beta') !== undefined,
      streamEndpoint: false,
    };
  }
  const bedrock = BEDROCK_PATH.exec(path);
  if (bedrock) return bedrockTarget(bedrock);
  const vertex = VERTEX_PATH.exec(path);
  if (vertex) {
    return {
      kind: TARGET_KIND.messages,
      provider: 'vertex',
      beta: false,
      streamEndpoint: vertex[2] === 'streamRawPredict',
      urlModel: decode(vertex[1]!),
    };
  }
  return undefined;
};

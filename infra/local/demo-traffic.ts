import { randomUUID } from 'node:crypto';
import type Anthropic from '@anthropic-ai/sdk';
import type { Context } from 'aws-lambda';
import {
  BudgetExceededError,
  type MonitoredAnthropic,
  withAttribution,
  withMonitoring,
} from 'claude-monitor';
import { nanoToUsd } from 'claude-monitor/domain';
import type { AnthropicStub } from './anthropic-stub';
import type { ManifestBuilder } from './demo-manifest';
import type { DemoCall, DemoInvocation } from './demo-plan';

const SYSTEM_PROMPT =
  'You are the assistant of a B2B billing product. Answer briefly and cite the relevant policy section.';

/** The context Lambda would pass; the monitor reads the request id from it. */
const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 30_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
});

const paramsOf = (call: DemoCall): Anthropic.MessageCreateParamsNonStreaming => ({
  model: call.model,
  max_tokens: call.maxTokens ?? 300,
  system: call.cacheSystemPrompt
    ? [{ type: 'text', text: SYSTEM_PROMPT, cache_control: { type: 'ephemeral' } }]
    : SYSTEM_PROMPT,
  messages: [{ role: 'user', content: call.prompt }],
});

const pad = (text: string, width: number): string => text.padEnd(width);

/** Column header of the lines `runInvocation` prints. */
export const TRAFFIC_HEADER = `  ${pad('result', 8)}${pad('function', 15)}${pad('model', 18)}${pad('call', 7)}usage and cost`;

/** What the runner calls on a client: the Claude API's and Bedrock's messages resources both fit. */
interface MessagesClient {
  messages: {
    create(
      params: Anthropic.MessageCreateParamsNonStreaming,
      options?: Anthropic.RequestOptions,
    ): PromiseLike<Anthropic.Message>;
    stream(
      params: Anthropic.MessageStreamParams,
      options?: Anthropic.RequestOptions,
    ): { finalMessage(): Promise<Anthropic.Message> };
  };
}

export interface TrafficContext {
  client: MonitoredAnthropic;
  /** The monitored Bedrock client, for calls with `platform: 'bedrock'`; absent against the real API. */
  bedrock?: MessagesClient;
  builder: ManifestBuilder;
  /** The local Messages API; absent against the real API. */
  stub?: AnthropicStub;
  log: (line: string) => void;
}

const runCall = async (ctx: TrafficContext, call: DemoCall, invocation: DemoInvocation): Promise<void> => {
  const replies = call.replies ?? [];
  if (ctx.stub) ctx.stub.enqueue(...replies);
  // Exactly as many retries as scripted replies, so the stub's queue stays in step with the calls.
  const requestOptions = ctx.stub ? { maxRetries: Math.max(replies.length - 1, 0) } : {};
  const options = call.attribution ? withAttribution(call.attribution, requestOptions) : requestOptions;
  const sessionId = call.attribution?.sessionId ?? invocation.attribution?.sessionId;
  const platform = call.platform ?? 'anthropic';
  const client: MessagesClient | undefined = platform === 'bedrock' ? ctx.bedrock : ctx.client;
  if (client === undefined) throw new Error(`no ${platform} client for ${call.model}`);
  const shown = platform === 'bedrock' ? 'bedrock sonnet' : call.model;
  const label = `${pad(invocation.functionName, 15)}${pad(shown, 18)}${pad(call.stream ? 'stream' : 'create', 7)}`;
  const at = new Date().toISOString();
  try {
    const message = call.stream
      ? await client.messages.stream(paramsOf(call), options).finalMessage()
      : await client.messages.create(paramsOf(call), options);
    const cost = ctx.builder.success(message, invocation.functionName, sessionId, { at, platform });
    const u = message.usage;
    const cache = (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
    const retried = replies.length > 1 ? `, after ${replies.length - 1} retry` : '';
    ctx.log(
      `  ${pad('ok', 8)}${label}in ${u.input_tokens} out ${u.output_tokens}${cache ? ` cache ${cache}` : ''}  $${nanoToUsd(cost, 6)}${retried}`,
    );
  } catch (error) {
    if (error instanceof BudgetExceededError) {
      // Never sent: the reply scripted for it must not answer the next call.
      ctx.stub?.clearQueue();
      ctx.builder.refused(call.model, invocation.functionName, sessionId);
      ctx.log(
        `  ${pad('refused', 8)}${label}${error.scope} ${error.scopeId}: $${error.spentUsd.toFixed(4)} spent + $${error.reservedUsd.toFixed(4)} reserved of $${error.limitUsd.toFixed(2)} ${error.period} budget, nothing sent`,
      );
      return;
    }
    const status = (error as { status?: number }).status;
    ctx.builder.failure(call.model, status, invocation.functionName, sessionId);
    ctx.log(`  ${pad('fail', 8)}${label}${status ? `HTTP ${status}` : (error as Error).message}`);
  }
};

/** Runs one invocation as Lambda would: its function name in the environment, records flushed at the end. */
export const runInvocation = async (ctx: TrafficContext, invocation: DemoInvocation): Promise<void> => {
  // The monitor takes the function name from the Lambda environment, as it does in AWS.
  process.env.AWS_LAMBDA_FUNCTION_NAME = invocation.functionName;
  const handler = withMonitoring(
    async () => {
      for (const call of invocation.calls) await runCall(ctx, call, invocation);
    },
    { attribution: () => invocation.attribution },
  );
  await handler({}, lambdaContext(invocation.functionName));
};

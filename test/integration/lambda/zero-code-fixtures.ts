/**
 * The functions of the zero-code Lambda tests: plain code that builds its client with `new Anthropic()` (or
 * Bedrock's) and knows nothing of the monitor. Each invocation runs a plan of 1-3 calls, some of which the
 * code never awaits or never reads, and returns what its code saw.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** What one call of a plan does. */
export const STEP = {
  /** `await create()`: the message's output tokens. */
  create: 'create',
  /** A stream read to the end: the number of events. */
  stream: 'stream',
  /** `create()` never awaited (sent and billed, never looked at). */
  unawaited: 'unawaited',
  /** A stream of which one event is read, then dropped. */
  dropped: 'dropped',
  /** `asResponse()`: the raw response, its body never read. */
  raw: 'raw',
} as const;
export type Step = (typeof STEP)[keyof typeof STEP];

/** 20 invocations of 1-3 calls, every kind of call among them. */
export const PLANS: readonly Step[][] = Array.from({ length: 20 }, (_, i) => {
  const cycle: Step[][] = [
    ['create'],
    ['stream', 'create'],
    ['unawaited'],
    ['dropped', 'create'],
    ['raw'],
    ['create', 'stream', 'unawaited'],
    ['dropped'],
    ['raw', 'stream'],
  ];
  return cycle[i % cycle.length]!;
});

/** The plan runner of Anthropic-style clients (`messages.create`), the same in every module format. */
const ANTHROPIC_PLAN = `
async function runPlan(client, plan, model) {
  const request = { model, max_tokens: 64, messages: [{ role: 'user', content: 'Say hello.' }] };
  const seen = [];
  for (const step of plan) {
    if (step === 'create') seen.push((await client.messages.create(request)).usage.output_tokens);
    else if (step === 'stream') {
      let events = 0;
      for await (const _event of await client.messages.create({ ...request, stream: true })) events++;
      seen.push(events);
    } else if (step === 'unawaited') {
      void client.messages.create(request);
      seen.push('sent');
    } else if (step === 'dropped') {
      const events = (await client.messages.create({ ...request, stream: true }))[Symbol.asyncIterator]();
      seen.push((await events.next()).value.type);
    } else if (step === 'raw') seen.push((await client.messages.create(request).asResponse()).status);
  }
  return seen;
}`;

/** The plan runner of the AWS SDK's Bedrock runtime client (Converse, ConverseStream, InvokeModel). */
const AWS_SDK_PLAN = `
async function runPlan(client, plan, model) {
  const { ConverseCommand, ConverseStreamCommand, InvokeModelCommand } = require('@aws-sdk/client-bedrock-runtime');
  const input = { modelId: model, messages: [{ role: 'user', content: [{ text: 'Say hello.' }] }], inferenceConfig: { maxTokens: 64 } };
  const seen = [];
  for (const step of plan) {
    if (step === 'create') seen.push((await client.send(new ConverseCommand(input))).usage.outputTokens);
    else if (step === 'stream') {
      let events = 0;
      for await (const _event of (await client.send(new ConverseStreamCommand(input))).stream) events++;
      seen.push(events);
    } else if (step === 'unawaited') {
      void client.send(new ConverseCommand(input));
      seen.push('sent');
    } else if (step === 'dropped') {
      const events = (await client.send(new ConverseStreamCommand(input))).stream[Symbol.asyncIterator]();
      seen.push(Object.keys((await events.next()).value)[0]);
    } else if (step === 'raw') {
      const body = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello.' }] });
      const answer = await client.send(new InvokeModelCommand({ modelId: model, body }));
      seen.push(answer.$metadata.httpStatusCode);
    }
  }
  return seen;
}`;

export interface FunctionCode {
  /** The task folder (`/var/task`). */
  taskDir: string;
  handler: string;
}

const write = (dir: string, files: Record<string, string>): void => {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
};

/** ESM `.mjs` handler; the SDK comes from wherever Node finds it (the layer, or the function's node_modules). */
export const esmFunction = (dir: string): FunctionCode => {
  write(dir, {
    'index.mjs': `import Anthropic from '@anthropic-ai/sdk';
const client = new Anthropic();
${ANTHROPIC_PLAN}
export const handler = async (event) => runPlan(client, event.plan, process.env.MODEL);
`,
  });
  return { taskDir: dir, handler: 'index.handler' };
};

/** CommonJS handler at a nested path, with `require('@anthropic-ai/sdk')` (the package's own CJS shape). */
export const cjsFunction = (dir: string): FunctionCode => {
  write(dir, {
    'src/handlers/chat.js': `const Anthropic = require('@anthropic-ai/sdk');
const client = new Anthropic();
${ANTHROPIC_PLAN}
exports.main = async (event) => runPlan(client, event.plan, process.env.MODEL);
`,
  });
  return { taskDir: dir, handler: 'src/handlers/chat.main' };
};

/** A TypeScript handler bundled by esbuild with the SDK (or the Bedrock SDK and its AWS parts) inside. */
export const bundledFunction = async (dir: string, kind: 'anthropic' | 'bedrock'): Promise<FunctionCode> => {
  const construct =
    kind === 'anthropic'
      ? `import Anthropic from '@anthropic-ai/sdk';\nconst client: any = new Anthropic();`
      : `import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';\nconst client: any = new AnthropicBedrock();`;
  write(dir, {
    'src/handler.ts': `${construct}
${ANTHROPIC_PLAN.replace('async function runPlan(client, plan, model)', 'async function runPlan(client: any, plan: string[], model: string | undefined)')}
export const handler = async (event: { plan: string[] }) => runPlan(client, event.plan, process.env.MODEL);
`,
  });
  await build({
    entryPoints: [join(dir, 'src/handler.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: join(dir, 'index.js'),
    // The function's own dependencies, as its project would have them installed.
    nodePaths: [fileURLToPath(new URL('../../../node_modules', import.meta.url))],
    logLevel: 'silent',
  });
  return { taskDir: dir, handler: 'index.handler' };
};

/** The runtime's AWS SDK, `BedrockRuntimeClient` with Converse, ConverseStream and InvokeModel. */
export const awsSdkFunction = (dir: string): FunctionCode => {
  write(dir, {
    'index.js': `const { BedrockRuntimeClient } = require('@aws-sdk/client-bedrock-runtime');
const client = new BedrockRuntimeClient({});
${AWS_SDK_PLAN}
exports.handler = async (event) => runPlan(client, event.plan, process.env.MODEL);
`,
  });
  return { taskDir: dir, handler: 'index.handler' };
};

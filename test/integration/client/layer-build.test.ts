import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicStub, startAnthropicStub } from '../../../infra/local/anthropic-stub';
import { buildLayerSync } from '../../../layers/claude-monitor/scripts/build-layer';

const run = promisify(execFile);

let stub: AnthropicStub;
let consumerDir: string;
let layerBytes: number;

const CALL = `{ model: 'claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }`;

beforeAll(async () => {
  stub = await startAnthropicStub();
  const layerDir = mkdtempSync(join(tmpdir(), 'layer-'));
  layerBytes = buildLayerSync(layerDir).bytes;
  // A consumer resolves the layer's packages like a Lambda function does `/opt/nodejs/node_modules`; no AWS
  // SDK is present here, which also shows the monitor loads without it until a record must be written.
  consumerDir = mkdtempSync(join(tmpdir(), 'layer-consumer-'));
  cpSync(join(layerDir, 'nodejs', 'node_modules'), join(consumerDir, 'node_modules'), { recursive: true });
  rmSync(layerDir, { recursive: true, force: true });
});
afterAll(async () => {
  await stub.close();
  rmSync(consumerDir, { recursive: true, force: true });
});

const runConsumer = async (file: string, source: string, nodeArgs: string[] = []) => {
  writeFileSync(join(consumerDir, file), source);
  const { stdout } = await run(process.execPath, [...nodeArgs, file], {
    cwd: consumerDir,
    env: { PATH: process.env.PATH, STUB_URL: stub.url },
  });
  return stdout.trim().split('\n');
};

describe('the built layer', () => {
  it('is laid out as nodejs/node_modules and reports its size', () => {
    // Assess
    expect(layerBytes).toBeGreaterThan(10_000);
  });

  it('loads with import, constructs the client and records a call', async () => {
    // Act
    const lines = await runConsumer(
      'consumer.mjs',
      `import { MonitoredAnthropic, createMemorySink, computeCost } from 'claude-monitor';
const sink = createMemorySink();
const client = new MonitoredAnthropic({ baseURL: process.env.STUB_URL, apiKey: 'k', monitor: { sink } });
const message = await client.messages.create(${CALL});
console.log(JSON.stringify({ type: message.type, records: sink.records.length, cost: typeof computeCost }));`,
    );

    // Assess
    expect(JSON.parse(lines.at(-1)!)).toEqual({ type: 'message', records: 1, cost: 'function' });
  });

  it('loads with require, constructs the client and records a call', async () => {
    // Act
    const lines = await runConsumer(
      'consumer.cjs',
      `const { MonitoredAnthropic, createMemorySink } = require('claude-monitor');
const sink = createMemorySink();
const client = new MonitoredAnthropic({ baseURL: process.env.STUB_URL, apiKey: 'k', monitor: { sink } });
client.messages.create(${CALL}).then((message) => {
  console.log(JSON.stringify({ type: message.type, records: sink.records.length }));
});`,
    );

    // Assess
    expect(JSON.parse(lines.at(-1)!)).toEqual({ type: 'message', records: 1 });
  });

  it('auto-instruments a plain Anthropic client when loaded with --import claude-monitor/auto', async () => {
    // Act: no table is configured, so the record comes out as a recoverable log line on flush
    const lines = await runConsumer(
      'auto.mjs',
      `import Anthropic from '@anthropic-ai/sdk';
import { flush } from 'claude-monitor';
const client = new Anthropic({ baseURL: process.env.STUB_URL, apiKey: 'k' });
await client.messages.create(${CALL});
const result = await flush();
console.log(JSON.stringify(result));`,
      ['--import', 'claude-monitor/auto'],
    );

    // Assess
    const notWritten = lines.filter((line) => line.includes('record not written'));
    expect(notWritten).toHaveLength(1);
    expect(JSON.parse(notWritten[0]!).item).toMatchObject({ model: 'claude-sonnet-4-6', status: 'success' });
    expect(JSON.parse(lines.at(-1)!)).toEqual({ written: 0, notWritten: 1, unconfirmed: 0 });
  });

  it('ships the real SDK package: its CommonJS default export constructs, its subpaths load', async () => {
    // Act
    const lines = await runConsumer(
      'sdk-shape.cjs',
      `const Anthropic = require('@anthropic-ai/sdk');
const { Messages } = require('@anthropic-ai/sdk/resources/messages');
const { APIError } = require('@anthropic-ai/sdk/error');
const client = new Anthropic({ baseURL: process.env.STUB_URL, apiKey: 'k' });
import('@anthropic-ai/sdk').then((esm) => {
  console.log(JSON.stringify({
    constructs: typeof client.messages.create === 'function',
    namedToo: client instanceof Anthropic.Anthropic,
    messages: typeof Messages,
    errors: typeof APIError,
    esmDefault: typeof esm.default,
  }));
});`,
    );

    // Assess
    expect(JSON.parse(lines.at(-1)!)).toEqual({
      constructs: true,
      namedToo: true,
      messages: 'function',
      errors: 'function',
      esmDefault: 'function',
    });
  });
});

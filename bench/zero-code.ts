import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENV, LAYER_PATHS } from 'claude-monitor/domain';
import { median, pairwiseDifferences, percentile } from '../functions/shared/stats';
import { BENCH_MODEL, CALL_MODE, type CallMode } from './configurations';
import { ColdStartError } from './errors';
import type { BenchLayer } from './layer-build';
import { scanItemsOfType } from './local-table';
import { importSdkCopy } from './sdk-copies';

const run = promisify(execFile);

const REQUEST = {
  model: BENCH_MODEL,
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'Hello.' }],
};

/** A Lambda context with time to spare, for the end of each simulated invocation. */
const CONTEXT = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 60_000 };

export interface ZeroCodeOptions {
  stubUrl: string;
  client: DynamoDBClient;
  tableName: string;
  /** Timed rounds per mode. */
  rounds: number;
  warmupRounds: number;
}

export interface ZeroCodeFigures {
  /** Median of (call − plain call of the same round), per mode. */
  zeroCodeAddedMs: Record<CallMode, number>;
  explicitAddedMs: Record<CallMode, number>;
  /** The end of an invocation of one call, as the caller waits for it (settle + write). */
  zeroCodeEndMedianMs: number;
  zeroCodeEndP99Ms: number;
  explicitEndMedianMs: number;
  explicitEndP99Ms: number;
  /** Calls made through the monitor, and records found in the table after the run. */
  monitoredCalls: number;
  recordsStored: number;
}

/**
 * The zero-code path side by side with the explicit client and the plain SDK, interleaved in one process:
 * each round makes a plain call (zero-code recording off), the same client's call with zero-code recording
 * on, and an explicit client's call; each monitored call ends its own simulated invocation, timed.
 */
export const measureZeroCode = async (options: ZeroCodeOptions): Promise<ZeroCodeFigures> => {
  const monitor = await import('claude-monitor');
  const sdk = await importSdkCopy('zero-code');
  const clientOptions = {
    apiKey: 'bench-key',
    baseURL: options.stubUrl,
    maxRetries: 0,
    openTelemetry: false as const,
  };
  const plain = new sdk.default(clientOptions);
  // A recorder of this phase's own table (the process-wide one was made for an earlier phase's table).
  const sink = monitor.createDynamoSink({ tableName: options.tableName });
  const explicit = new monitor.MonitoredAnthropic({ ...clientOptions, monitor: { sink } });
  const call = async (client: InstanceType<typeof sdk.default>, mode: CallMode) => {
    if (mode === CALL_MODE.create) {
      await client.messages.create(REQUEST);
      return;
    }
    const stream = await client.messages.create({ ...REQUEST, stream: true });
    for await (const _event of stream) {
      // Read to the end, as a streaming caller does.
    }
  };
  const timed = async (work: () => Promise<unknown>) => {
    const start = performance.now();
    await work();
    return performance.now() - start;
  };
  const samples = { plain: [] as number[], zeroCode: [] as number[], explicit: [] as number[] };
  const ends = { zeroCode: [] as number[], explicit: [] as number[] };
  const added = { zeroCode: {} as Record<CallMode, number>, explicit: {} as Record<CallMode, number> };
  let monitoredCalls = 0;
  for (const mode of Object.values(CALL_MODE)) {
    for (const list of [...Object.values(samples)]) list.length = 0;
    for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
      const keep = round >= options.warmupRounds;
      const plainMs = await timed(() => call(plain, mode));
      monitor.enableZeroCode({ sink });
      const zeroCodeMs = await timed(() => call(plain, mode));
      const zeroCodeEnd = await timed(() => monitor.endInvocation(CONTEXT));
      monitor.disableZeroCode();
      const explicitMs = await timed(() => call(explicit as never, mode));
      const explicitEnd = await timed(() => monitor.endInvocation(CONTEXT));
      monitoredCalls += 2;
      if (!keep) continue;
      samples.plain.push(plainMs);
      samples.zeroCode.push(zeroCodeMs);
      samples.explicit.push(explicitMs);
      ends.zeroCode.push(zeroCodeEnd);
      ends.explicit.push(explicitEnd);
    }
    added.zeroCode[mode] = median(pairwiseDifferences(samples.zeroCode, samples.plain));
    added.explicit[mode] = median(pairwiseDifferences(samples.explicit, samples.plain));
  }
  return {
    zeroCodeAddedMs: added.zeroCode,
    explicitAddedMs: added.explicit,
    zeroCodeEndMedianMs: median(ends.zeroCode),
    zeroCodeEndP99Ms: percentile(ends.zeroCode, 99),
    explicitEndMedianMs: median(ends.explicit),
    explicitEndP99Ms: percentile(ends.explicit, 99),
    monitoredCalls,
    recordsStored: (await scanItemsOfType(options.client, options.tableName, 'call')).length,
  };
};

export interface ZeroCodeColdStart {
  plainMs: number;
  wrappedMs: number;
  addedMs: number;
}

/** A function's own handler module: it builds its client at load time, as functions usually do. */
const HANDLER_SOURCE = `import Anthropic from '@anthropic-ai/sdk';
const client = new Anthropic({ apiKey: 'bench-key', baseURL: 'http://127.0.0.1:9' });
export const handler = async () => client.baseURL;
`;

const loadTime = async (moduleUrl: string, cwd: string, env: NodeJS.ProcessEnv): Promise<number> => {
  const source = `const start = performance.now(); const mod = await import(${JSON.stringify(moduleUrl)}); if (typeof mod.handler !== 'function') throw new Error('no handler'); process.stdout.write(JSON.stringify({ ms: performance.now() - start }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', source], { cwd, env });
  const ms = (JSON.parse(stdout) as { ms?: unknown }).ms;
  if (typeof ms !== 'number') throw new ColdStartError(`child printed no time: ${stdout.slice(0, 200)}`);
  return ms;
};

/**
 * Init of a function with and without the layer's wrapper in front: the time to load the handler module the
 * runtime loads (the function's own, or the wrapper, which installs the taps and loads the function's), in
 * fresh processes, alternated; the median of each.
 */
export const measureZeroCodeColdStart = async (
  layer: BenchLayer,
  repetitions: number,
): Promise<ZeroCodeColdStart> => {
  const task = mkdtempSync(join(layer.dir, '..', 'task-'));
  try {
    writeFileSync(join(task, 'index.mjs'), HANDLER_SOURCE);
    symlinkSync(join(layer.dir, 'nodejs', 'node_modules'), join(task, 'node_modules'));
    const wrapper = join(layer.dir, 'nodejs', 'node_modules', 'claude-monitor', 'lambda-wrapper.mjs');
    const env = {
      ...process.env,
      LAMBDA_TASK_ROOT: task,
      [ENV.originalHandler]: 'index.handler',
      [ENV.tableName]: 'cold-start',
      [ENV.dynamodbEndpoint]: 'http://127.0.0.1:9',
    };
    const plainUrl = pathToFileURL(join(task, 'index.mjs')).href;
    const wrapperUrl = pathToFileURL(wrapper).href;
    if (!LAYER_PATHS.wrapperHandler.endsWith('lambda-wrapper.handler'))
      throw new ColdStartError('wrapper moved');
    await loadTime(plainUrl, task, env);
    await loadTime(wrapperUrl, task, env);
    const plain: number[] = [];
    const wrapped: number[] = [];
    for (let i = 0; i < repetitions; i++) {
      plain.push(await loadTime(plainUrl, task, env));
      wrapped.push(await loadTime(wrapperUrl, task, env));
    }
    return { plainMs: median(plain), wrappedMs: median(wrapped), addedMs: median(wrapped) - median(plain) };
  } finally {
    rmSync(task, { recursive: true, force: true });
  }
};

import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicStub, startAnthropicStub } from '../../../infra/local/anthropic-stub';
import { buildLayerSync, buildTypesPackageSync } from '../../../layers/claude-monitor/scripts/build-layer';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../../..');
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

/** A TypeScript handler as a team writes it against the monitor's API. */
const HANDLER = `import Anthropic from '@anthropic-ai/sdk';
import { MonitoredAnthropic, runWithAttribution, withMonitoring, type MonitorScope } from 'claude-monitor';

const client = new MonitoredAnthropic({ baseURL: process.env.STUB_URL, apiKey: 'k', maxRetries: 0 });
const plain: Anthropic = client;

export const handler = withMonitoring(async (event: { user: string }) => {
  const scope: MonitorScope = { userId: event.user, tags: ['svc:typed'] };
  const message = await runWithAttribution(scope, () =>
    plain.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
  );
  return message.usage.output_tokens;
});
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(REPO, 'node_modules/@types')],
  },
  files: ['handler.ts'],
};

let stub: AnthropicStub;
let work: string;
let project: string;

beforeAll(async () => {
  stub = await startAnthropicStub();
  work = mkdtempSync(join(tmpdir(), 'typed-handler-'));
  const layer = join(work, 'layer');
  buildLayerSync(layer);
  project = join(work, 'project');
  mkdirSync(join(project, 'node_modules/@anthropic-ai'), { recursive: true });
  buildTypesPackageSync(layer, join(project, 'node_modules/claude-monitor'));
  symlinkSync(join(REPO, 'node_modules/@anthropic-ai/sdk'), join(project, 'node_modules/@anthropic-ai/sdk'));
  writeFileSync(join(project, 'package.json'), '{"type":"module"}');
  writeFileSync(join(project, 'handler.ts'), HANDLER);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  // The function's deployment: its bundle, with the monitor coming from the layer at run time.
  mkdirSync(join(work, 'task'), { recursive: true });
  cpSync(join(layer, 'nodejs/node_modules'), join(work, 'task/node_modules'), { recursive: true });
}, 300_000);
afterAll(async () => {
  await stub.close();
  if (!process.env.KEEP_TYPED_HANDLER) rmSync(work, { recursive: true, force: true });
});

describe('a TypeScript handler that imports the monitor', () => {
  it('compiles against the npm package of the layer version (NodeNext resolution)', async () => {
    // Act
    const compiled = await run(process.execPath, [TSC, '-p', project]).then(
      () => 'ok',
      (error: { stdout: string }) => error.stdout,
    );
    // Assess
    expect(compiled).toBe('ok');
  });

  it('is checked for real: a wrong attribution type does not compile', async () => {
    // Prepare
    writeFileSync(
      join(project, 'wrong.ts'),
      "import { runWithAttribution } from 'claude-monitor';\nrunWithAttribution({ userId: 42 }, () => 1);\n",
    );
    writeFileSync(join(project, 'tsconfig.wrong.json'), JSON.stringify({ ...TSCONFIG, files: ['wrong.ts'] }));
    // Act
    const output = await run(process.execPath, [TSC, '-p', join(project, 'tsconfig.wrong.json')]).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    // Assess
    expect(output).toMatch(/wrong\.ts.*error TS2322: Type 'number' is not assignable to type 'string'/s);
  });

  it('bundles with claude-monitor left to the layer (its SDK with it), and runs', async () => {
    // Act
    await build({
      entryPoints: [join(project, 'handler.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: join(work, 'task/index.mjs'),
      external: ['claude-monitor', '@aws-sdk/*'],
      logLevel: 'silent',
    });
    const bundle = readFileSync(join(work, 'task/index.mjs'), 'utf8');
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const { handler } = await import('./index.mjs'); console.log(JSON.stringify(await handler({ user: 'u-1' }, { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 5000 })));",
      ],
      { cwd: join(work, 'task'), env: { PATH: process.env.PATH, STUB_URL: stub.url } },
    );
    // Assess
    expect(bundle).toMatch(/from\s*"claude-monitor"/);
    expect(bundle).not.toContain('claude-monitor.explicit-context');
    expect(stdout.trim().split('\n').at(-1)).toBe('12');
    expect(stdout).toContain('"userId":"u-1"');
  });
});

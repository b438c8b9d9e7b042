import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ENV } from 'claude-monitor/domain';
import { median } from '../functions/shared/stats';
import { ColdStartError } from './errors';
import type { BenchLayer } from './layer-build';

const run = promisify(execFile);

export interface ColdStartOptions {
  /** The built layer: both clients are imported from it, as a Lambda with the layer attached would. */
  layer: BenchLayer;
  /** Working directory of the children. */
  cwd: string;
  /** Child processes per client (median taken). @default 10 */
  repetitions?: number;
}

export interface ColdStartFigures {
  plainMs: number;
  monitoredMs: number;
  addedMs: number;
  repetitions: number;
}

/** Source of a child that imports one module, constructs its client and prints the time both took. */
const childSource = (moduleUrl: string, exportName: string): string => `
const start = performance.now();
const mod = await import(${JSON.stringify(moduleUrl)});
new mod[${JSON.stringify(exportName)}]({ apiKey: 'bench-key', baseURL: 'http://127.0.0.1:9' });
process.stdout.write(JSON.stringify({ ms: performance.now() - start }));
`;

const timeChild = async (source: string, cwd: string): Promise<number> => {
  const env = { ...process.env, [ENV.tableName]: 'cold-start', [ENV.dynamodbEndpoint]: 'http://127.0.0.1:9' };
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', source], { cwd, env });
  const ms = (JSON.parse(stdout) as { ms?: unknown }).ms;
  if (typeof ms !== 'number') throw new ColdStartError(`child printed no time: ${stdout.slice(0, 200)}`);
  return ms;
};

/**
 * Import plus construction time of the monitored client and of the plain SDK (the bundle the layer ships),
 * each in fresh Node processes, alternated so both see the same machine state; the median of each.
 */
export const measureColdStart = async (options: ColdStartOptions): Promise<ColdStartFigures> => {
  const repetitions = options.repetitions ?? 10;
  const plainSource = childSource(pathToFileURL(options.layer.sdkEntry).href, 'default');
  const monitoredSource = childSource(pathToFileURL(options.layer.monitorEntry).href, 'MonitoredAnthropic');
  // One untimed run each, so both read their files from the page cache rather than the disk.
  await timeChild(plainSource, options.cwd);
  await timeChild(monitoredSource, options.cwd);
  const plain: number[] = [];
  const monitored: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    plain.push(await timeChild(plainSource, options.cwd));
    monitored.push(await timeChild(monitoredSource, options.cwd));
  }
  const plainMs = median(plain);
  const monitoredMs = median(monitored);
  return { plainMs, monitoredMs, addedMs: monitoredMs - plainMs, repetitions };
};

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nanoToUsd } from 'claude-monitor/domain';
import type { Summary } from '../../functions/api/queries';
import type { DemoManifest } from './demo-manifest';
import type { MonitorApiClient } from './monitor-api-client';

type Log = (line: string) => void;

const ms = (value: number | null): string => (value === null ? 'n/a' : `${value} ms`);

/** The summary as the API reports it, next to what the demo itself counted. */
export const printSummary = (log: Log, summary: Summary, manifest: DemoManifest, fresh: boolean): void => {
  log('\nMonitoring summary, last 24 hours (GET /api/monitoring/summary):');
  log(
    `  Calls            ${summary.total_calls} (${summary.successful_calls} succeeded, ${summary.failed_calls} failed, ${summary.success_rate}% success)`,
  );
  log(
    `  Cost             $${nanoToUsd(summary.total_cost_nano_usd, 6)} (${summary.total_cost_nano_usd} nano-USD)`,
  );
  log(`  Average latency  ${ms(summary.average_latency_ms)} (p95 ${ms(summary.p95_latency_ms)})`);
  log(`  Time to first token (streams)  ${ms(summary.average_ttft_ms)} on average`);
  log(
    `  Prompt cache     ${summary.cache_write_5m_tokens} tokens written (5 min), ${summary.cache_write_1h_tokens} (1 h), ${summary.cache_read_tokens} read`,
  );
  for (const model of summary.by_model ?? []) {
    log(`    ${model.model.padEnd(22)}${String(model.calls).padStart(4)} calls  $${model.cost_usd}`);
  }
  if (!fresh) {
    log('  (the stack already held calls from before this run, so the totals include them)');
    return;
  }
  const same = summary.total_calls === manifest.calls && summary.total_cost_nano_usd === manifest.costNanoUsd;
  log(
    same
      ? `  Matches what the demo sent: ${manifest.calls} calls, $${nanoToUsd(manifest.costNanoUsd, 9)} to the nano-dollar.`
      : `  DIFFERS from what the demo sent: ${manifest.calls} calls, ${manifest.costNanoUsd} nano-USD.`,
  );
};

const clip = (line: string): string => (line.length > 160 ? `${line.slice(0, 157)}...` : line);

const firstLines = async (file: string, count: number): Promise<string[]> =>
  (await readFile(file, 'utf8'))
    .replace(/^\uFEFF/, '')
    .split('\n')
    .slice(0, count);

/** Writes the JSON and CSV exports of the last 24 hours into `dir` and shows where they are. */
export const printExports = async (log: Log, api: MonitorApiClient, dir: string): Promise<void> => {
  const jsonFile = join(dir, 'demo-export.json');
  const csvFile = join(dir, 'demo-export.csv');
  const calls = await api.exportJson();
  // One record per line: the file stays valid JSON and its first lines show whole records.
  await writeFile(jsonFile, `[\n${calls.map((call) => JSON.stringify(call)).join(',\n')}\n]\n`);
  await writeFile(csvFile, await api.exportCsv());
  log('\nExport of the last 24 hours (GET /api/monitoring/export):');
  log(`  JSON  ${jsonFile}  (${calls.length} call records)`);
  for (const line of await firstLines(jsonFile, 3)) log(`    ${clip(line)}`);
  log(`  CSV   ${csvFile}`);
  for (const line of await firstLines(csvFile, 3)) log(`    ${clip(line)}`);
};

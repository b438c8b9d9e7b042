/**
 * `npm run replay-records -- <file>...`: stores the call records the monitor printed as log lines because it
 * could not write them (DynamoDB unreachable, throttled past the flush timeout, no table configured).
 * Reads raw log lines or the JSON of `aws logs filter-log-events --output json`; `-` reads standard input.
 * Each record is stored only if it is not in the table yet, so a replay can be repeated safely.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createDynamoClient } from '../src/aws/clients';
import { ENV, readRequired } from '../src/domain';
import { notWrittenItems, replayItems } from '../src/recorder/replay';

const USAGE = `usage: npm run replay-records -- [--table <name>] [--dry-run] <log file>... (- for stdin); the table defaults to ${ENV.tableName}`;

const readInput = async (path: string): Promise<string> => {
  if (path !== '-') return readFile(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const main = async (): Promise<number> => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { table: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
  });
  if (positionals.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const dryRun = values['dry-run'];
  // Only a real replay needs the table: from --table, else the monitor's own variable.
  const tableName = values.table ?? (dryRun ? undefined : readRequired(process.env, ENV.tableName));
  const parsed = notWrittenItems(
    await Promise.all(positionals.map(async (source) => ({ source, text: await readInput(source) }))),
  );
  const report: Record<string, unknown> = {
    tableName,
    recordsFound: parsed.items.length,
    otherLines: parsed.skipped,
    malformedLines: parsed.malformed,
  };
  if (tableName && !dryRun && parsed.items.length > 0) {
    const client = createDynamoClient();
    try {
      Object.assign(report, await replayItems({ client, tableName, items: parsed.items }));
    } finally {
      client.destroy();
    }
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const failed = (report.failed as unknown[] | undefined)?.length ?? 0;
  return failed > 0 || parsed.malformed.length > 0 ? 1 : 0;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exitCode = 2;
  },
);

/**
 * `npm run replay-records -- <file>...`: stores the call records the monitor printed as log lines because it
 * could not write them (DynamoDB unreachable, throttled past the flush timeout, no table configured).
 * Reads raw log lines or the JSON of `aws logs filter-log-events --output json`; `-` reads standard input.
 * Each record is stored only if it is not in the table yet, so a replay can be repeated safely.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createDynamoClient } from '../src/aws/clients';
import { ENV } from '../src/domain';
import { notWrittenItems, replayItems } from '../src/recorder/replay';

const USAGE = 'usage: npm run replay-records -- [--table <name>] [--dry-run] <log file>... (- for stdin)';

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
  const tableName = values.table ?? process.env[ENV.tableName]?.trim();
  if (positionals.length === 0 || !tableName) {
    process.stderr.write(`${USAGE}\nThe table comes from --table or ${ENV.tableName}.\n`);
    return 2;
  }
  const parsed = notWrittenItems((await Promise.all(positionals.map(readInput))).join('\n'));
  const report: Record<string, unknown> = {
    tableName,
    recordsFound: parsed.items.length,
    otherLines: parsed.skipped,
    malformedLines: parsed.malformed,
  };
  if (!values['dry-run'] && parsed.items.length > 0) {
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

/**
 * `npm run replay-records -- <file>...`: stores the call records the monitor printed as log lines because it
 * could not write them (DynamoDB unreachable, throttled past the deadline, no table configured) or could not
 * confirm the write (no answer by the deadline). Reads raw log lines or the JSON of
 * `aws logs filter-log-events --output json`; `-` reads standard input. Each record is stored only if it is
 * not in the table yet, so a replay can be repeated safely and a record that was stored after all is left
 * alone. In AWS the replay function does the same by itself, from a subscription on the function's logs.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createDynamoClient } from '../src/aws/clients';
import { ConfigError, ENV, readRequired } from '../src/domain';
import { replayableItems, replayItems } from '../src/recorder/replay';

const USAGE = `usage: npm run replay-records -- [--table <name>] [--dry-run] <log file>... (- for stdin); the table defaults to ${ENV.tableName}`;

/** Exit codes: 0 all stored, 1 lines or records that could not be stored, or a failure, 2 bad arguments. */
const EXIT = { done: 0, failed: 1, usage: 2 } as const;

/** Arguments that cannot be used: reported with the usage text. */
class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const readInput = async (path: string): Promise<string> => {
  if (path !== '-') return readFile(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const parse = () => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { table: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
};

const main = async (): Promise<number> => {
  const { values, positionals } = parse();
  if (positionals.length === 0) throw new UsageError('no log file given');
  const dryRun = values['dry-run'];
  // Only a real replay needs the table: from --table, else the monitor's own variable.
  const tableName = values.table ?? (dryRun ? undefined : readRequired(process.env, ENV.tableName));
  const parsed = replayableItems(
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
  return failed > 0 || parsed.malformed.length > 0 ? EXIT.failed : EXIT.done;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // The usage text helps with arguments only; any other failure is reported as what it is.
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      process.exitCode = EXIT.usage;
    } else {
      const cause =
        error instanceof Error && error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
      const text = error instanceof Error ? `${error.name}: ${error.message}${cause}` : String(error);
      process.stderr.write(`replay-records failed: ${text}\n`);
      process.exitCode = EXIT.failed;
    }
  },
);

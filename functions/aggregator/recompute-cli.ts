import { parseArgs } from 'node:util';
import { createDynamoClient } from 'claude-monitor/aws';
import { ConfigError, ENV, readRequired } from 'claude-monitor/domain';
import { RecomputeInputError } from './errors';
import { recomputeRollups, summaryLine } from './recompute';
import { resolveRecomputeWindow } from './recompute-window';

const USAGE = [
  'usage: npm run recompute -- [--from <iso> --to <iso>] [--check]',
  '  without --from and --to: the last closed UTC day; --check compares and writes nothing.',
  `  the table is ${ENV.tableName} (and ${ENV.dynamodbEndpoint} for DynamoDB Local).`,
].join('\n');

/** Exit codes: 0 passed, 1 drift, a vacuous check, refused writes or a failure, 2 bad arguments. */
const EXIT = { passed: 0, failed: 1, usage: 2 } as const;

const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.name}: ${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
};

const isUsageError = (error: unknown): boolean =>
  error instanceof RecomputeInputError ||
  error instanceof ConfigError ||
  (error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'));

/** `npm run recompute`: rebuilds (or with --check, only compares) the rollups of a time range. */
const main = async (): Promise<number> => {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' }, check: { type: 'boolean', default: false } },
  });
  const { from, to } = resolveRecomputeWindow({ from: values.from, to: values.to }, new Date());
  const tableName = readRequired(process.env, ENV.tableName);
  const client = createDynamoClient();
  try {
    const report = await recomputeRollups({
      client,
      tableName,
      from,
      to,
      mode: values.check ? 'check' : 'recompute',
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`${summaryLine(report)}\n`);
    return report.passed ? EXIT.passed : EXIT.failed;
  } finally {
    client.destroy();
  }
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // The usage text helps with arguments only; any other failure is reported as what it is.
    if (isUsageError(error)) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
      process.exitCode = EXIT.usage;
    } else {
      process.stderr.write(`recompute failed: ${describe(error)}\n`);
      process.exitCode = EXIT.failed;
    }
  },
);

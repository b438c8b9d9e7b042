import { parseArgs } from 'node:util';
import { createDynamoClient } from 'claude-monitor/aws';
import { ENV, readRequired } from 'claude-monitor/domain';
import { recomputeRollups } from './recompute';

const USAGE = 'usage: npm run recompute -- --from <iso> --to <iso> [--check]';

/** `npm run recompute`: rebuilds (or with --check, only compares) the rollups of a time range. */
const main = async (): Promise<number> => {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' }, check: { type: 'boolean', default: false } },
  });
  if (!values.from || !values.to) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const tableName = readRequired(process.env, ENV.tableName);
  const client = createDynamoClient();
  try {
    const report = await recomputeRollups({
      client,
      tableName,
      from: values.from,
      to: values.to,
      mode: values.check ? 'check' : 'recompute',
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return values.check && report.drift.length > 0 ? 1 : 0;
  } finally {
    client.destroy();
  }
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

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ENV, toCallItem } from 'claude-monitor/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateStreamBatch } from '../../../functions/aggregator/aggregate';
import { callInsertFilter } from '../../../infra/local/stream-runner';
import { makeCallRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable, localDynamoEnv, type TestTable } from '../../helpers/dynamodb';
import { REPO_ROOT } from '../../helpers/local-stack-process';
import { readWholeStream } from '../../helpers/stream';
import { testDeps } from './harness';

const run = promisify(execFile);
let table: TestTable;

/** `npm run recompute` as a user runs it, against the test table. */
const recompute = async (...args: string[]) => {
  const env = { ...process.env, ...localDynamoEnv(table.endpoint), [ENV.tableName]: table.tableName };
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'recompute', '--', ...args], {
      cwd: REPO_ROOT,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

beforeAll(async () => {
  table = await createTestTable('recompute-cli');
  await putCallRecords(table.client, table.tableName, [makeCallRecord(), makeCallRecord()]);
  const item = { ...toCallItem(makeCallRecord(), 90), tags: 'not-a-list' };
  await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall(item) }));
  const stream = (await readWholeStream(table.endpoint, table.streamArn)).filter(callInsertFilter);
  await aggregateStreamBatch(testDeps(table), { Records: stream });
}, 60_000);

describe('npm run recompute', () => {
  it('--check prints how many keys and records it compared, skips the bad record with a note, and passes', async () => {
    // Act
    const { code, stdout, stderr } = await recompute(
      '--check',
      '--from',
      '2026-11-29T00:00:00Z',
      '--to',
      '2026-11-30T00:00:00Z',
    );

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      mode: 'check',
      records: 2,
      malformed: 1,
      drift: [],
      passed: true,
    });
    expect(stderr).toMatch(
      /compared \d+ rollup keys with 2 raw records .*skipped 1 malformed records: no drift/,
    );
  });

  it('prints the real error of a failure, not the usage text', async () => {
    // Prepare
    const window = ['--from', '2026-11-29T00:00:00Z', '--to', '2026-11-30T00:00:00Z'];
    const env = { ...process.env, ...localDynamoEnv(table.endpoint), [ENV.tableName]: 'no-such-table' };

    // Act
    const failed = await run('npm', ['run', '--silent', 'recompute', '--', '--check', ...window], {
      cwd: REPO_ROOT,
      env,
    }).catch((error: { code: number; stderr: string }) => error);

    // Assess
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/^recompute failed: ResourceNotFoundException/m);
    expect((failed as { stderr: string }).stderr).not.toContain('usage:');
  });

  it('shows the usage text for arguments it cannot use', async () => {
    // Act
    const oneEnd = await recompute('--from', '2026-11-29T00:00:00Z');
    const unknown = await recompute('--check', '--since', 'yesterday');

    // Assess
    expect(oneEnd.code).toBe(2);
    expect(oneEnd.stderr).toContain('from and to must be given together');
    expect(oneEnd.stderr).toContain('usage: npm run recompute');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--since'");
    expect(unknown.stderr).toContain('usage: npm run recompute');
  });
});

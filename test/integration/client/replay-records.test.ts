import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { localCredentials } from 'claude-monitor/aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicStub, startAnthropicStub } from '../../../infra/local/anthropic-stub';
import { freePort } from '../../../infra/local/dynamodb-local';
import {
  createDynamoSink,
  MonitoredAnthropic,
  setLogWriter,
  withMonitoring,
} from '../../../layers/claude-monitor/src';
import {
  type CallItem,
  callIdPk,
  callPk,
  callPksOfHour,
  ENV,
} from '../../../layers/claude-monitor/src/domain';
import { NOT_WRITTEN_MESSAGE } from '../../../layers/claude-monitor/src/recorder/log-line';
import { stubClientOptions, USER_MESSAGE } from '../../helpers/anthropic';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { REPO_ROOT } from '../../helpers/local-stack-process';
import { readWholeStream } from '../../helpers/stream';

const run = promisify(execFile);
const CALLS = 6;

let table: TestTable;
let stub: AnthropicStub;
let dir: string;
let logFile: string;
let callIds: string[];

/** `npm run replay-records` as a user runs it, against the test table. */
const replay = async (...args: string[]) => {
  const env = {
    ...process.env,
    [ENV.dynamodbEndpoint]: table.endpoint,
    AWS_REGION: 'us-east-1',
    // The test file's own database of the run's DynamoDB Local.
    AWS_ACCESS_KEY_ID: localCredentials().accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials().secretAccessKey,
  };
  try {
    const npmArgs = ['run', '--silent', 'replay-records', '--', '--table', table.tableName, ...args];
    const { stdout } = await run('npm', npmArgs, { cwd: REPO_ROOT, env });
    return { code: 0, report: JSON.parse(stdout) as Record<string, unknown> };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, report: JSON.parse(failed.stdout) as Record<string, unknown> };
  }
};

const callInserts = async () =>
  (await readWholeStream(table.endpoint, table.streamArn)).filter(
    (record) => record.eventName === 'INSERT' && record.dynamodb?.NewImage?.type?.S === 'call',
  );

beforeAll(async () => {
  table = await createTestTable('replay');
  stub = await startAnthropicStub();
  dir = await mkdtemp(join(tmpdir(), 'replay-records-'));
  // The monitored calls run while DynamoDB is unreachable: their records come out as log lines.
  const lines: string[] = [];
  const restore = setLogWriter((line) => lines.push(line));
  try {
    const port = await freePort(); // nothing listens there: connections are refused at once
    const sink = createDynamoSink({
      env: { [ENV.tableName]: table.tableName, [ENV.dynamodbEndpoint]: `http://127.0.0.1:${port}` },
      flushTimeoutMs: 1_000,
    });
    const client = new MonitoredAnthropic({ ...stubClientOptions(stub), monitor: { sink } });
    const handler = withMonitoring(async () => {
      for (let i = 0; i < CALLS; i++) await client.messages.create(USER_MESSAGE);
    });
    await handler({}, { awsRequestId: 'replay-req' } as never);
  } finally {
    setLogWriter(restore);
  }
  const notWritten = lines.filter((line) => line.includes(NOT_WRITTEN_MESSAGE));
  callIds = notWritten.map((line) => (JSON.parse(line) as { item: { callId: string } }).item.callId);
  // As they reach CloudWatch Logs from a function using the text log format, amid other output.
  const prefixed = notWritten.map((line) => `2026-12-01T10:00:00.000Z\treplay-req\tINFO\t${line}`);
  logFile = join(dir, 'function.log');
  await writeFile(
    logFile,
    ['START RequestId: replay-req', ...prefixed, 'END RequestId: replay-req'].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  await stub?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('npm run replay-records', () => {
  it('stores every record the monitor logged as not written, once', async () => {
    // Act
    const { code, report } = await replay(logFile);

    // Assess
    expect(callIds).toHaveLength(CALLS);
    expect(code).toBe(0);
    expect(report).toMatchObject({ recordsFound: CALLS, written: CALLS, alreadyStored: 0, failed: [] });
    expect(report.otherLines).toBe(2);
    const inserts = await callInserts();
    expect(inserts.map((record) => record.dynamodb?.NewImage?.callId?.S).sort()).toEqual([...callIds].sort());
  });

  it('changes nothing when the same lines are replayed again', async () => {
    // Act
    const { code, report } = await replay(logFile);

    // Assess
    expect(code).toBe(0);
    expect(report).toMatchObject({ recordsFound: CALLS, written: 0, alreadyStored: CALLS });
    expect(await callInserts()).toHaveLength(CALLS);
  });

  it('reads the JSON of aws logs filter-log-events too', async () => {
    // Prepare
    const firstRecord = (await readFile(logFile, 'utf8')).split('\n')[1];
    const events = { events: [{ message: 'unrelated' }, { message: firstRecord }] };
    const file = join(dir, 'events.json');
    // Indented, as the AWS CLI prints it.
    await writeFile(file, JSON.stringify(events, null, 4));

    // Act
    const { code, report } = await replay('--dry-run', file);
    const together = await replay('--dry-run', file, logFile);

    // Assess
    expect(code).toBe(0);
    expect(report).toMatchObject({ recordsFound: 1, otherLines: 1, malformedLines: [] });
    // Each file is read on its own, and a record found in both counts once.
    expect(together.code).toBe(0);
    expect(together.report).toMatchObject({ recordsFound: CALLS, otherLines: 3, malformedLines: [] });
  });

  it('names the lines it cannot read and exits with 1', async () => {
    // Prepare
    const file = join(dir, 'broken.log');
    const valid = (await readFile(logFile, 'utf8')).split('\n')[1]!;
    // A record under another key would slip past the "not stored yet" condition and count twice: a key that
    // is neither the record's own nor the one earlier layer versions gave it.
    const record = (JSON.parse(valid.slice(valid.indexOf('{'))) as { item: CallItem }).item;
    const taken = new Set([callPk(record), callIdPk(record)]);
    const other = callPksOfHour(record.timestamp.slice(0, 13)).find((pk) => !taken.has(pk))!;
    const rekeyed = valid.replace(/"pk":"CALL#[^"]+"/, `"pk":"${other}"`);
    await writeFile(
      file,
      [
        '{"level":"ERROR","message":"claude-monitor: record not written","item":{"callId":"x"',
        '{"level":"ERROR","message":"claude-monitor: record not written","item":{"type":"rollup"}}',
        rekeyed,
      ].join('\n'),
    );

    // Act
    const { code, report } = await replay(file);

    // Assess
    expect(code).toBe(1);
    expect(rekeyed).not.toBe(valid);
    expect(report.malformedLines).toEqual([
      { source: file, line: 1, reason: 'not a JSON document' },
      { source: file, line: 2, reason: expect.stringContaining('type') },
      { source: file, line: 3, reason: 'the item key is not the key of its record' },
    ]);
  });
});

import { ENV } from 'claude-monitor/domain';
import { afterAll, describe, expect, it } from 'vitest';
import { callInsertFilter } from '../../../infra/local/stream-runner';
import { makeCallRecord, putCallRecords } from '../../helpers/call-records';
import { createTestTable } from '../../helpers/dynamodb';
import { type SnsEmulator, startSnsEmulator } from '../../helpers/sns';
import { readWholeStream } from '../../helpers/stream';
import { rollupsAndRecomputation } from './harness';

let sns: SnsEmulator | undefined;
afterAll(async () => {
  await sns?.stop();
});

describe('Lambda entry points wired from the environment', () => {
  it('the stream handler aggregates and alerts; the outbox handler finds nothing left to send', async () => {
    // Prepare
    const table = await createTestTable('agg-entry');
    sns = await startSnsEmulator();
    Object.assign(process.env, {
      [ENV.tableName]: table.tableName,
      [ENV.dynamodbEndpoint]: table.endpoint,
      [ENV.snsEndpoint]: sns.endpoint,
      [ENV.alertTopicArn]: sns.topicArn,
      [ENV.alertConfig]: JSON.stringify({ sessionCostUsd: 0.01 }),
      POWERTOOLS_DEV: 'false',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    await putCallRecords(table.client, table.tableName, [
      makeCallRecord({ sessionId: 'entry' }),
      makeCallRecord({ sessionId: 'entry' }),
    ]);
    const records = (await readWholeStream(table.endpoint, table.streamArn)).filter(callInsertFilter);
    const { handler } = await import('../../../functions/aggregator/handler');
    const outbox = await import('../../../functions/aggregator/outbox-handler');

    // Act
    const response = await handler({ Records: records });
    const pass = await outbox.handler();

    // Assess
    const { stored, recomputed } = await rollupsAndRecomputation(table);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(pass).toEqual({ published: 0, pending: 0 });
    expect(stored).toEqual(recomputed);
    expect((await sns.receiveAll()).map((m) => m.Subject)).toEqual([
      'Claude spend: session entry exceeded $0.01',
    ]);
  });
});

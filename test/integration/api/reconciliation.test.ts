import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_RUN_MESSAGE } from '../../../functions/api/reconciliation-routes';
import { staticAdminKey } from '../../../functions/reconciler/admin-key';
import { reconcile } from '../../../functions/reconciler/reconcile';
import { BEDROCK_OFF_HINT } from '../../../functions/reconciler/runtime';
import { type AdminApiStub, startAdminApiStub } from '../../../infra/local/admin-api-stub';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { seedThroughPipeline } from '../../helpers/seed';
import { type SnsEmulator, startSnsEmulator } from '../../helpers/sns';
import {
  ADMIN_KEY,
  billedAs,
  DAY,
  MONITORED_KEY,
  OTHER_KEY,
  reconcilerDeps,
  recordOf,
} from '../reconciler/harness';
import { authorizedGet, createTestApp } from './app-under-test';

const TOKEN = 'reconciliation-token';
/** The API's clock: the day after the reconciled one. */
const API_NOW = new Date('2026-11-21T12:00:00.000Z');

describe('GET /api/monitoring/reconciliation', { timeout: 120_000 }, () => {
  let admin: AdminApiStub;
  let sns: SnsEmulator;
  let empty: TestTable;
  let reconciled: TestTable;
  const get = (table: () => TestTable) =>
    authorizedGet(() => createTestApp(table(), TOKEN, { now: () => API_NOW }), TOKEN);

  beforeAll(async () => {
    admin = await startAdminApiStub({ adminKey: ADMIN_KEY });
    sns = await startSnsEmulator('recon-api');
    empty = await createTestTable('recon-api-empty');
    reconciled = await createTestTable('recon-api');
    const record = recordOf({
      model: 'claude-opus-5-5',
      usage: { inputTokens: 100_000, outputTokens: 10_000 },
    });
    await seedThroughPipeline(reconciled, [record]);
    admin.bill([...billedAs([record], MONITORED_KEY, 10), ...billedAs([record], OTHER_KEY)]);
    await reconcile(
      reconcilerDeps(reconciled, admin, sns, { scope: { apiKeyIds: [MONITORED_KEY], workspaceIds: [] } }),
    );
  }, 300_000);
  afterAll(async () => {
    await admin.close();
    await sns.stop();
  });

  it('says plainly that nothing is compared when the reconciliation has never run', async () => {
    // Act
    const { status, body } = await get(() => empty)('/api/monitoring/reconciliation');

    // Assess
    expect(status).toBe(200);
    expect(body).toMatchObject({ days: 7, start: '2026-11-15', end: '2026-11-21' });
    expect(body.sources).toEqual([
      expect.objectContaining({ source: 'anthropic', configured: false, message: NOT_RUN_MESSAGE, days: [] }),
      expect.objectContaining({ source: 'bedrock', configured: false, message: NOT_RUN_MESSAGE, days: [] }),
    ]);
  });

  it('says plainly that no admin key is configured after a run without one', async () => {
    // Prepare: a run whose admin key is unset, and whose Bedrock comparison is off.
    const table = await createTestTable('recon-api-nokey');
    const deps = reconcilerDeps(table, admin, sns);
    const noKey = staticAdminKey(undefined);
    await reconcile({
      ...deps,
      sources: [
        { ...deps.sources[0]!, open: async () => ({ hint: noKey.configured ? '' : noKey.hint }) },
        {
          source: 'bedrock',
          provider: 'bedrock',
          scope: null,
          open: async () => ({ hint: BEDROCK_OFF_HINT }),
        },
      ],
    });

    // Act
    const { body } = await get(() => table)('/api/monitoring/reconciliation?days=3');

    // Assess
    const [anthropic, bedrock] = body.sources as Record<string, unknown>[];
    expect(anthropic).toMatchObject({ configured: false, last_error: null, days: [] });
    expect(anthropic!.message).toMatch(/^No Anthropic admin key is configured\./);
    expect(bedrock).toMatchObject({ configured: false, message: BEDROCK_OFF_HINT });
  });

  it('serves tracked against billed per day and model, and the unmonitored spend, in dollars and nano-dollars', async () => {
    // Act
    const { status, body } = await get(() => reconciled)('/api/monitoring/reconciliation?days=2');

    // Assess: $0.40 + $0.20 tracked, billed 10% dearer; $0.60 more under the unmonitored key.
    expect(status).toBe(200);
    const anthropic = (body.sources as Record<string, unknown>[])[0]!;
    expect(anthropic).toMatchObject({ configured: true, message: null, last_error: null });
    expect(anthropic.days).toEqual([
      expect.objectContaining({
        day: DAY,
        tracked_cost_usd: 0.6,
        tracked_cost_nano_usd: 600_000_000,
        billed_cost_usd: 0.66,
        billed_cost_nano_usd: 660_000_000,
        difference_usd: 0.06,
        difference_nano_usd: 60_000_000,
        within_threshold: true,
        unmonitored_cost_usd: 0.6,
        unmonitored: [expect.objectContaining({ api_key_id: OTHER_KEY, cost_nano_usd: 600_000_000 })],
        models: [
          expect.objectContaining({
            model: 'claude-opus-5-5',
            tracked: expect.objectContaining({ calls: 1, cost_nano_usd: 600_000_000 }),
            billed: expect.objectContaining({ cost_nano_usd: 660_000_000 }),
            difference_nano_usd: 60_000_000,
          }),
        ],
      }),
    ]);
  });

  it('answers a bad days parameter with 400 naming it', async () => {
    // Act
    const { status, body } = await get(() => reconciled)('/api/monitoring/reconciliation?days=0');

    // Assess
    expect(status).toBe(400);
    expect(body).toMatchObject({ parameter: 'days' });
  });
});

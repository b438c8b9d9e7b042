import { randomBytes } from 'node:crypto';
import { ENV } from 'claude-monitor/domain';
import type { ReconciliationSettings } from '../../functions/reconciler/config';
import { type AdminApiStub, startAdminApiStub } from './admin-api-stub';
import { type CostExplorerStub, startCostExplorerStub } from './cost-explorer-stub';

/**
 * The API keys of the local demo, as the Admin API stand-in reports them: the monitored client's key, and a
 * key whose calls never go through the monitor (its spend is "unmonitored").
 */
export const LOCAL_API_KEYS = {
  monitored: { secret: 'local-stub-key', id: 'apikey_01localmonitored' },
  unmonitored: { secret: 'local-unmonitored-key', id: 'apikey_01localbatchjobs' },
} as const;
export const LOCAL_WORKSPACE = 'wrkspc_01localdefault';

/**
 * Reconciliation settings of the local stack: the demo's key is the monitored one, Bedrock is compared too,
 * and a difference alerts from $0.05 (the deployed default is $1), so a short demo crosses it.
 */
export const LOCAL_RECONCILIATION_SETTINGS: ReconciliationSettings = {
  differencePercent: 1,
  differenceUsd: 0.05,
  anthropic: { monitoredApiKeyIds: [LOCAL_API_KEYS.monitored.id] },
  bedrock: { enabled: true },
};

/** How often the local stack reconciles on its own (the deployed default is daily). */
export const LOCAL_RECONCILE_INTERVAL_MS = 60 * 60_000;

export interface LocalBilling {
  admin: AdminApiStub;
  costExplorer: CostExplorerStub;
  adminKey: string;
  /** The environment the reconciler reads: the stand-ins' addresses, the admin key, the settings. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the Admin API and Cost Explorer stand-ins the local reconciler reads the bills from. */
export const startLocalBilling = async (): Promise<LocalBilling> => {
  const adminKey = `sk-ant-admin01-local-${randomBytes(12).toString('base64url')}`;
  const admin = await startAdminApiStub({ adminKey });
  const costExplorer = await startCostExplorerStub().catch(async (error: unknown) => {
    await admin.close();
    throw error;
  });
  return {
    admin,
    costExplorer,
    adminKey,
    env: {
      [ENV.adminKey]: adminKey,
      [ENV.adminApiUrl]: admin.url,
      [ENV.costExplorerEndpoint]: costExplorer.endpoint,
      [ENV.reconciliationConfig]: JSON.stringify(LOCAL_RECONCILIATION_SETTINGS),
    },
    stop: async () => {
      await Promise.all([admin.close(), costExplorer.close()]);
    },
  };
};

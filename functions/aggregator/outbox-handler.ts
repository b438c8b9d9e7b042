import { SERVICE } from 'claude-monitor/domain';
import { publishPendingAlerts } from './alerts/outbox';
import { createRuntime } from './runtime';

const runtime = createRuntime(SERVICE.outbox);

/** Alerts published per scheduled run; the rest wait for the next run. */
const OUTBOX_LIMIT = 100;

/** Scheduled every few minutes: publishes alerts whose first publish failed. */
export const handler = async (): Promise<{ published: number; pending: number }> => {
  try {
    const result = await publishPendingAlerts(runtime.deps, OUTBOX_LIMIT);
    runtime.deps.logger.info('outbox pass', { ...result });
    return result;
  } finally {
    // Most invocations record no metric; publishing nothing would only log a warning.
    if (runtime.metrics.hasStoredMetrics()) runtime.metrics.publishStoredMetrics();
  }
};

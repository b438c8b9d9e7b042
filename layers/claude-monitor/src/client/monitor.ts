import { reportMonitorFailure } from '../recorder/log-line';
import { instrumentBatchResults } from './batch-results';
import { instrumentMessages, MONITORED } from './instrument';
import { type MonitorOptions, resolveMonitor } from './options';

interface ClientLike {
  messages?: { batches?: unknown };
  beta?: { messages?: unknown };
  [MONITORED]?: true;
}

/**
 * Monitors a client the caller already constructed (`Anthropic`, `AnthropicBedrock`, or any client of the
 * official SDK family) and returns the same object, with its type unchanged. Monitoring a client twice has
 * no further effect.
 * @example
 * const client = monitor(new AnthropicBedrock({ awsRegion: 'us-east-1' }), { attribution: { tenantId: 'acme' } });
 */
export const monitor = <C extends object>(client: C, options: MonitorOptions = {}): C => {
  const target = client as ClientLike;
  if (target[MONITORED]) return client;
  try {
    const resolved = resolveMonitor(client, options);
    instrumentMessages(target.messages as never, resolved, false);
    instrumentMessages(target.beta?.messages as never, resolved, true);
    instrumentBatchResults(target.messages?.batches as never, resolved);
    Object.defineProperty(target, MONITORED, { value: true, enumerable: false });
  } catch (error) {
    reportMonitorFailure('monitor', error);
  }
  return client;
};

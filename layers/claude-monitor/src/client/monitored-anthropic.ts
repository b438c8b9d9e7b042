import { Anthropic, type ClientOptions } from '@anthropic-ai/sdk';
import { monitor } from './monitor';
import type { MonitorOptions } from './options';

/** Options of `MonitoredAnthropic`: the SDK's own, plus `monitor`. */
export interface MonitoredAnthropicOptions extends ClientOptions {
  /** Monitoring options. @default {} (record to the DynamoDB table named by `CLAUDE_MONITOR_TABLE`) */
  monitor?: MonitorOptions;
}

/**
 * A drop-in `Anthropic` client whose Messages calls are recorded. Everything else is the SDK's own: the same
 * options, return values, errors and streams.
 * @example
 * const client = new MonitoredAnthropic({ monitor: { attribution: { tenantId: 'acme' } } });
 */
export class MonitoredAnthropic extends Anthropic {
  public constructor(options: MonitoredAnthropicOptions = {}) {
    // `monitor` stays in the SDK's stored options, so `withOptions()` copies are monitored the same way.
    super(options);
    monitor(this, options.monitor);
  }
}

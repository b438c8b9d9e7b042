import { createDynamoSink } from './dynamo-sink';
import type { RecordSink } from './sink';

/** One default recorder per process, even when the ESM and CommonJS builds of the monitor are both loaded. */
const SINK_KEY = Symbol.for('claude-monitor.default-sink');
const global = globalThis as { [SINK_KEY]?: RecordSink };

/** The process-wide recorder used when a client is given no `sink`: DynamoDB, configured from the env. */
export const defaultSink = (): RecordSink => {
  global[SINK_KEY] ??= createDynamoSink();
  return global[SINK_KEY];
};

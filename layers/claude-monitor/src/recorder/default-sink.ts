import { createDynamoSink } from './dynamo-sink';
import type { RecordSink } from './sink';

let shared: RecordSink | undefined;

/** The process-wide recorder used when a client is given no `sink`: DynamoDB, configured from the env. */
export const defaultSink = (): RecordSink => {
  shared ??= createDynamoSink();
  return shared;
};

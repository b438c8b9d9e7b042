import type { CallRecord } from '../domain/call-record';
import { drainDeferred } from './deferred';
import type { RecordSink } from './sink';
import { EMPTY_FLUSH } from './sink';

/** A sink that keeps records in memory, for tests and local experiments. */
export interface MemorySink extends RecordSink {
  /** Every record so far (reading it first completes records of calls that have just ended). */
  readonly records: CallRecord[];
  clear: () => void;
}

export const createMemorySink = (): MemorySink => {
  const records: CallRecord[] = [];
  return {
    get records() {
      drainDeferred();
      return records;
    },
    add: (record) => {
      records.push(record);
    },
    flush: async () => EMPTY_FLUSH,
    clear: () => {
      records.length = 0;
    },
  };
};

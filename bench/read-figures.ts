import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { measureSummaryReads } from '../functions/api/bench-reads';
import { withFreshTable } from './local-table';

export interface ReadFigures {
  items1d: number;
  items30d: number;
  /** Read units DynamoDB Local reported for a 1-day and a 30-day summary. */
  units1d: number;
  units30d: number;
  medianMs1d: number;
  medianMs30d: number;
  calls: number;
  /** Items a 30-day summary reads over rollups of `SMALL_CALLS` calls, with those calls' raw records stored. */
  items30dSmall: number;
}

const CALLS = 1_000_000;
const FULL = { days: 30, runs: 15 } as const;
/** Quick runs seed three days, not thirty: the figures then only prove the harness works. */
const QUICK = { days: 3, runs: 3 } as const;
/**
 * Enough calls for every hour and model of the 30 days to have a rollup, so the two runs have the same
 * rollup items; this run also stores the calls' raw records, so a summary that read any of them would show.
 */
const SMALL_CALLS = 10_000;

/**
 * Runs the API's own measurement of 1-day and 30-day summaries over rollups seeded for a million calls, and
 * the 30-day summary again over rollups of ten thousand calls plus their raw records: the two item counts
 * must be equal.
 * Each measurement gets its own table and client (the API counts reads on the client it is given).
 */
export const measureReadFigures = async (options: {
  newClient: () => DynamoDBClient;
  quick: boolean;
}): Promise<ReadFigures> => {
  const measure = async (calls: number, rawCalls = 0) => {
    const client = options.newClient();
    try {
      return await withFreshTable(client, 'bench-reads', (tableName) =>
        measureSummaryReads({ client, tableName, calls, rawCalls, ...(options.quick ? QUICK : FULL) }),
      );
    } finally {
      client.destroy();
    }
  };
  const large = await measure(CALLS);
  const small = await measure(SMALL_CALLS, options.quick ? 1_000 : SMALL_CALLS);
  return {
    items1d: large.oneDay.itemsRead,
    items30d: large.thirtyDays.itemsRead,
    units1d: large.oneDay.readUnits,
    units30d: large.thirtyDays.readUnits,
    medianMs1d: large.oneDay.medianMs,
    medianMs30d: large.thirtyDays.medianMs,
    calls: large.seededCalls,
    items30dSmall: small.thirtyDays.itemsRead,
  };
};

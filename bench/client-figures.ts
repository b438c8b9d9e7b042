import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { callMetricDocuments, fromCallItem, ITEM_TYPE } from 'claude-monitor/domain';
import { healthDocument } from '../layers/claude-monitor/src/recorder/emf';
import { CONFIGURATION, createConfigurations } from './configurations';
import { BenchVerificationError } from './errors';
import { CONFIGURATION_PREFIX, configurationKey, type FigureKey } from './figures';
import { itemSize, writeUnits } from './item-size';
import { scanItemsOfType } from './local-table';
import { measureOverhead } from './overhead';

export interface ClientFigures {
  figures: Partial<Record<FigureKey, number>>;
  notes: string[];
}

/** Bytes a document takes as one log line. */
const lineBytes = (document: Record<string, unknown>): number =>
  Buffer.byteLength(JSON.stringify(document)) + 1;

export interface ClientFigureOptions {
  stubUrl: string;
  client: DynamoDBClient;
  /** The table the monitored client records to (already named in the environment). */
  tableName: string;
  rounds: number;
  quick: boolean;
}

/**
 * Per-call overhead of every configuration, then checks that the run was real: one stored record per
 * monitored call, nothing left unwritten, a span per call for each tracing tool.
 */
export const measureClientFigures = async (options: ClientFigureOptions): Promise<ClientFigures> => {
  const { rounds, quick } = options;
  const set = await createConfigurations({ stubUrl: options.stubUrl });
  try {
    const overhead = await measureOverhead(set.configurations, {
      rounds,
      warmupRounds: quick ? 5 : 200,
      heapCalls: quick ? 20 : 1_000,
      heapRepetitions: quick ? 1 : 2,
    });
    const items = await scanItemsOfType(options.client, options.tableName, ITEM_TYPE.call);
    const notes: string[] = [];
    const accounted = `${overhead.monitoredCalls} monitored calls: ${items.length} records stored, ${overhead.flush.notWritten} reported not written (logged as JSON lines)`;
    // A record reported unwritten may still land after the flush gave up waiting; one that is neither
    // stored nor reported is lost, and then the run proves nothing.
    if (items.length + overhead.flush.notWritten < overhead.monitoredCalls) {
      throw new BenchVerificationError(CONFIGURATION.monitored, `records lost: ${accounted}`);
    }
    if (items.length !== overhead.monitoredCalls || overhead.flush.notWritten > 0) notes.push(accounted);
    for (const [name, count] of Object.entries(overhead.spans)) {
      if (count < 2 * rounds)
        throw new BenchVerificationError(name, `${count} spans for ${2 * rounds} calls`);
    }
    const by = overhead.byConfiguration;
    const figures: Partial<Record<FigureKey, number>> = {
      'client.plain_median_ms': by.plain.create.medianMs,
      'client.plain_p99_ms': by.plain.create.p99Ms,
      'client.plain_stream_median_ms': by.plain.stream.medianMs,
      'client.plain_stream_p99_ms': by.plain.stream.p99Ms,
      'client.flush_median_ms': overhead.flush.medianMs,
      'client.flush_p99_ms': overhead.flush.p99Ms,
      'client.records_per_flush': overhead.flush.recordsPerFlush,
      'client.records_written': items.length,
      'client.records_not_written': overhead.flush.notWritten,
      'client.record_bytes': items.reduce((sum, item) => sum + itemSize(item), 0) / items.length,
      'client.record_write_units': items.reduce((sum, item) => sum + writeUnits(item), 0) / items.length,
    };
    for (const [name, prefix] of Object.entries(CONFIGURATION_PREFIX)) {
      const c = by[name as keyof typeof CONFIGURATION_PREFIX];
      figures[configurationKey(prefix, 'added_median_ms')] = c.create.addedMedianMs;
      figures[configurationKey(prefix, 'added_p99_ms')] = c.create.addedP99Ms;
      figures[configurationKey(prefix, 'added_median_ratio')] = c.create.medianRatio;
      figures[configurationKey(prefix, 'stream_added_median_ms')] = c.stream.addedMedianMs;
      figures[configurationKey(prefix, 'stream_added_p99_ms')] = c.stream.addedP99Ms;
      figures[configurationKey(prefix, 'stream_added_median_ratio')] = c.stream.medianRatio;
      figures[configurationKey(prefix, 'added_heap_kb_per_1000_calls')] = c.addedHeapKbPer1000Calls;
    }
    const sample = fromCallItem(unmarshall(items[0]!));
    // A healthy flush prints no metric line now: the aggregator counts the calls in CloudWatch. Before,
    // every flush printed its calls' metric document.
    const health = healthDocument(sample.functionName, { recordsNotWritten: 0, monitorFailures: 0 });
    figures['client.metric_log_bytes_per_flush'] = health ? lineBytes(health) : 0;
    figures['client.metric_log_bytes_per_flush_before'] = callMetricDocuments([sample], Date.now()).reduce(
      (sum, document) => sum + lineBytes(document),
      0,
    );
    return { figures, notes };
  } finally {
    await set.close();
  }
};

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { type CallRecord, fromCallItem, ITEM_TYPE, KEY } from 'claude-monitor/domain';

/** A call record read from the stream, with the sequence number to report if it fails. */
export interface StreamCall {
  record: CallRecord;
  sequenceNumber: string;
}

/** A stream record that cannot be read as a call record; logged in full so it can be replayed. */
export interface PoisonRecord {
  sequenceNumber: string;
  reason: string;
  streamRecord: DynamoDBRecord;
}

export interface ParsedBatch {
  calls: StreamCall[];
  poison: PoisonRecord[];
  /** Records that are not call INSERTs (MODIFY, TTL REMOVE, other item types): ignored by design. */
  ignored: number;
}

/**
 * Splits a stream batch into call records, poison records and records to ignore. The event source filter
 * already delivers only call INSERTs; this check repeats it so a missing or widened filter cannot make
 * a MODIFY or a TTL deletion count twice.
 */
export const parseStreamRecords = (records: readonly DynamoDBRecord[]): ParsedBatch => {
  const calls: StreamCall[] = [];
  const poison: PoisonRecord[] = [];
  const seen = new Set<string>();
  let ignored = 0;
  for (const streamRecord of records) {
    const image = streamRecord.dynamodb?.NewImage;
    const sequenceNumber = streamRecord.dynamodb?.SequenceNumber ?? '';
    if (streamRecord.eventName !== 'INSERT' || image?.[KEY.type]?.S !== ITEM_TYPE.call) {
      ignored++;
      continue;
    }
    try {
      const record = fromCallItem(unmarshall(image as Record<string, AttributeValue>));
      // The same call twice in one batch would put one ledger item twice in a transaction, which DynamoDB rejects.
      if (seen.has(record.callId)) {
        ignored++;
        continue;
      }
      seen.add(record.callId);
      calls.push({ record, sequenceNumber });
    } catch (error) {
      poison.push({
        sequenceNumber,
        reason: error instanceof Error ? error.message : String(error),
        streamRecord,
      });
    }
  }
  return { calls, poison, ignored };
};

/** Sequence numbers are decimal strings of varying length: compare them as big integers. */
export const compareSequenceNumbers = (a: string, b: string): number => {
  const left = BigInt(a || '0');
  const right = BigInt(b || '0');
  return left < right ? -1 : left > right ? 1 : 0;
};

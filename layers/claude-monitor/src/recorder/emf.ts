import { type EmfDocument, emfDocument, LOCAL_FUNCTION_NAME } from '../domain/call-metrics';
import { METRIC, METRIC_DIMENSION } from '../domain/metrics';

/** What one flush of the recorder could not do. */
export interface FlushHealth {
  recordsNotWritten: number;
  recordsUnconfirmed?: number;
  monitorFailures: number;
}

/**
 * The EMF document of the monitor's own health counters for one flush, when any is non-zero; none on a
 * healthy flush. The calls themselves are counted in CloudWatch by the aggregator, once their records are in
 * the table (`callMetricDocuments`), so a healthy flush prints nothing for CloudWatch to ingest.
 */
export const healthDocument = (
  functionName: string | undefined,
  health: FlushHealth,
  timestamp = Date.now(),
): EmfDocument | undefined => {
  const unconfirmed = health.recordsUnconfirmed ?? 0;
  if (health.recordsNotWritten === 0 && unconfirmed === 0 && health.monitorFailures === 0) return undefined;
  return emfDocument(
    timestamp,
    { [METRIC_DIMENSION.functionName]: functionName ?? LOCAL_FUNCTION_NAME },
    {
      [METRIC.recordsNotWritten]: health.recordsNotWritten,
      [METRIC.recordsUnconfirmed]: unconfirmed,
      [METRIC.monitorFailures]: health.monitorFailures,
    },
  );
};

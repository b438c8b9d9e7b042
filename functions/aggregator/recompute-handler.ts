import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoClient } from 'claude-monitor/aws';
import { ENV, readRequired, SERVICE } from 'claude-monitor/domain';
import { RecomputeInputError } from './errors';
import {
  RECOMPUTE_MODE,
  type RecomputeMode,
  type RecomputeReport,
  recomputeRollups,
  summaryLine,
} from './recompute';
import { resolveRecomputeWindow } from './recompute-window';

const tableName = readRequired(process.env, ENV.tableName);
const client = createDynamoClient();
const logger = new Logger({ serviceName: SERVICE.recompute });

export interface RecomputeEvent {
  /** ISO 8601 start. @default the start of the last closed UTC day (with `to` also omitted) */
  from?: string;
  /** ISO 8601 end, exclusive. @default the end of the last closed UTC day (with `from` also omitted) */
  to?: string;
  /** @default 'recompute' */
  mode?: RecomputeMode;
}

/**
 * Invoked on demand (e.g. after a price correction) or on a schedule (a daily `check` of the last closed
 * day). Returns the report; a run that did not pass (drift, nothing compared although records exist,
 * refused writes) is logged as an error, records skipped as malformed as a warning.
 */
export const handler = async (event: RecomputeEvent): Promise<RecomputeReport> => {
  if (event.mode !== undefined && !Object.values(RECOMPUTE_MODE).includes(event.mode)) {
    throw new RecomputeInputError(`mode must be recompute or check, got "${String(event.mode)}"`);
  }
  const { from, to } = resolveRecomputeWindow(event, new Date());
  const report = await recomputeRollups({
    client,
    tableName,
    from,
    to,
    mode: event.mode ?? 'recompute',
  });
  const log = !report.passed
    ? logger.error.bind(logger)
    : report.malformed > 0
      ? logger.warn.bind(logger)
      : logger.info.bind(logger);
  log(summaryLine(report), {
    mode: report.mode,
    from: report.from,
    to: report.to,
    records: report.records,
    malformed: report.malformed,
    keysChecked: report.keysChecked,
    drifted: report.drift.length,
    written: report.written,
    vacuous: report.vacuous,
    passed: report.passed,
    drift: report.drift.slice(0, 50),
    rejected: report.rejected.slice(0, 20),
    writeFailures: report.writeFailures.slice(0, 20),
  });
  return report;
};

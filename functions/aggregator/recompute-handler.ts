import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoClient } from 'claude-monitor/aws';
import { ENV, readRequired } from 'claude-monitor/domain';
import { RecomputeInputError } from './errors';
import { RECOMPUTE_MODE, type RecomputeMode, type RecomputeReport, recomputeRollups } from './recompute';
import { resolveRecomputeWindow } from './recompute-window';

const tableName = readRequired(process.env, ENV.tableName);
const client = createDynamoClient();
const logger = new Logger({ serviceName: 'claude-monitor-recompute' });

export interface RecomputeEvent {
  /** ISO 8601 start. @default the start of the previous UTC day (with `to` also omitted) */
  from?: string;
  /** ISO 8601 end, exclusive. @default the start of the current UTC day (with `from` also omitted) */
  to?: string;
  /** @default 'recompute' */
  mode?: RecomputeMode;
}

/**
 * Invoked on demand (e.g. after a price correction) or on a schedule (a daily `check` of yesterday).
 * Returns the drift report; drift is also logged so an alarm can match it.
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
  const log = report.drift.length > 0 ? logger.warn.bind(logger) : logger.info.bind(logger);
  log('rollup recompute', {
    mode: report.mode,
    from: report.from,
    to: report.to,
    records: report.records,
    keysChecked: report.keysChecked,
    drifted: report.drift.length,
    written: report.written,
    drift: report.drift.slice(0, 50),
  });
  return report;
};

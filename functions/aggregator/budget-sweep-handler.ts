import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoClient } from 'claude-monitor/aws';
import { ENV, readRequired, SERVICE } from 'claude-monitor/domain';
import { enforcementSettings } from '../shared/budget-definitions';
import { type SweepResult, sweepReservations } from './budgets/sweep';

const logger = new Logger({ serviceName: SERVICE.budgetSweep });
const deps = {
  client: createDynamoClient(),
  tableName: readRequired(process.env, ENV.tableName),
  reservationTtlSeconds: enforcementSettings().reservationTtlSeconds,
  logger: {
    info: (message: string, extra?: Record<string, unknown>) => logger.info(message, extra ?? {}),
    warn: (message: string, extra?: Record<string, unknown>) => logger.warn(message, extra ?? {}),
    error: (message: string, extra?: Record<string, unknown>) => logger.error(message, extra ?? {}),
  },
};

/** Scheduled every minute: releases the budget reservations of calls that never settled, once expired. */
export const handler = async (): Promise<SweepResult> => {
  const result = await sweepReservations(deps);
  if (result.fromSlot !== null) logger.info('budget reservations swept', { ...result });
  return result;
};

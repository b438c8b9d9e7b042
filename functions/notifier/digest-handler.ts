import type { Context } from 'aws-lambda';
import { SERVICE } from 'claude-monitor/domain';
import { sendDueDigests } from './digest';
import { createNotifierRuntime } from './runtime';

const runtime = createNotifierRuntime(SERVICE.digest);

const SAFETY_MS = 5_000;

/** Scheduled: sends the digests that are due (hourly digests, and those held over quiet hours). */
export const handler = async (
  _event: unknown,
  context: Context,
): Promise<{ sent: number; pending: number }> => {
  const result = await sendDueDigests(
    runtime.deps,
    runtime.config.channels,
    runtime.deps.now() + context.getRemainingTimeInMillis() - SAFETY_MS,
  );
  runtime.deps.logger.info('digest pass', { ...result });
  return result;
};

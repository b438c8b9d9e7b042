import type { Context } from 'aws-lambda';
import { DEFAULT_FLUSH_TIMEOUT_MS, DEFAULT_SETTLE_TIMEOUT_MS, ENV } from '../domain/env';
import { readLayerSetting } from '../recorder/layer-setting';

/** When the end-of-invocation work must be over. */
export interface InvocationBounds {
  /** Until then, Claude calls still in flight are waited for. */
  settleBy: number;
  /** Until then, records are written; what is not confirmed by then is logged to be replayed. */
  deadline: number;
}

/**
 * The bounds of the work done after the handler and before the response: taken from the time Lambda has
 * left (`getRemainingTimeInMillis`), less a reserve for the runtime to send the response, so the monitor
 * never makes an invocation time out. Waiting for calls still in flight is further capped by
 * `CLAUDE_MONITOR_SETTLE_TIMEOUT_MS`, and leaves time for the writes. Outside Lambda (no remaining time),
 * the configured bounds apply.
 */
export const invocationBounds = (
  context: Partial<Pick<Context, 'getRemainingTimeInMillis'>> | undefined,
  env: NodeJS.ProcessEnv = process.env,
  now = Date.now(),
): InvocationBounds => {
  const settleCap = readLayerSetting(env, ENV.settleTimeoutMs, DEFAULT_SETTLE_TIMEOUT_MS);
  const writeCap = readLayerSetting(env, ENV.flushTimeoutMs, DEFAULT_FLUSH_TIMEOUT_MS);
  let remaining: number | undefined;
  try {
    remaining = context?.getRemainingTimeInMillis?.();
  } catch {
    remaining = undefined;
  }
  if (typeof remaining !== 'number' || !Number.isFinite(remaining)) {
    return { settleBy: now + settleCap, deadline: now + settleCap + writeCap };
  }
  const reserve = Math.min(1_000, Math.max(100, remaining * 0.05));
  const deadline = now + Math.max(0, remaining - reserve);
  const writeTime = Math.min(writeCap, (deadline - now) / 2);
  return { settleBy: Math.max(now, Math.min(now + settleCap, deadline - writeTime)), deadline };
};

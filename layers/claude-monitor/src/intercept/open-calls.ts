/**
 * Calls that have begun and not yet produced their record, process-wide (shared by every loaded copy of the
 * monitor). The end of an invocation settles them all, so nothing billed is left unrecorded when Lambda
 * freezes the environment.
 */
export interface OpenCall {
  readonly finished: boolean;
  /** The AWS request id of the invocation the call was made in, if any. */
  readonly awsRequestId: string | undefined;
  /** Retries of this call join it: the request it sent, to match the retry's. */
  matchesRetry(
    kind: string,
    url: string,
    invocationId: string | undefined,
    body: string | undefined,
  ): boolean;
  /** Waits for the network side until `deadline` (epoch ms), then finishes the call with what it has. */
  settleBy(deadline: number): Promise<void>;
  /** Waits for the network side until `deadline`, leaving the call open. */
  networkDoneBy(deadline: number): Promise<void>;
}

interface OpenCallState {
  open: Set<OpenCall>;
  /** Calls whose last attempt failed in a way the client may retry (zero-code: matched by the retry). */
  awaitingRetry: OpenCall[];
}

const STATE_KEY = Symbol.for('claude-monitor.open-calls');
const global = globalThis as { [STATE_KEY]?: OpenCallState };
global[STATE_KEY] ??= { open: new Set(), awaitingRetry: [] };
const state = global[STATE_KEY];

export const trackOpenCall = (call: OpenCall): void => {
  state.open.add(call);
};

export const untrackOpenCall = (call: OpenCall): void => {
  state.open.delete(call);
  stopAwaitingRetry(call);
};

export const awaitRetry = (call: OpenCall): void => {
  if (!state.awaitingRetry.includes(call)) state.awaitingRetry.push(call);
};

export const stopAwaitingRetry = (call: OpenCall): void => {
  const index = state.awaitingRetry.indexOf(call);
  if (index !== -1) state.awaitingRetry.splice(index, 1);
};

/** The oldest call awaiting the retry that this request is, if any; it stops awaiting. */
export const takeRetriedCall = (
  kind: string,
  url: string,
  invocationId: string | undefined,
  body: () => string | undefined,
): OpenCall | undefined => {
  const index = state.awaitingRetry.findIndex((call) => call.matchesRetry(kind, url, invocationId, body()));
  if (index === -1) return undefined;
  const [call] = state.awaitingRetry.splice(index, 1);
  return call;
};

/** Calls still open now. */
export const openCallCount = (): number => state.open.size;

/**
 * Settles open calls: waits for calls still on the network until `deadline`, then records each with what it
 * has (usage read from responses the caller never read; usage so far, marked, for the rest). Given an
 * invocation, only its calls and calls made outside any invocation (at init) are settled: invocations that
 * run side by side in one process leave each other's calls alone.
 */
export const settleOpenCalls = async (deadline: number, awsRequestId?: string): Promise<void> => {
  // A request begun just before (a create() nobody awaited) reaches the network after a few more turns.
  await new Promise((resolve) => setImmediate(resolve));
  const mine = [...state.open].filter(
    (call) =>
      awsRequestId === undefined || call.awsRequestId === undefined || call.awsRequestId === awsRequestId,
  );
  await Promise.all(mine.map((call) => call.settleBy(deadline)));
};

/**
 * Resolves once every open call's response has fully arrived (or failed), or at `deadline`, without ending
 * any call: the caller may still read them. For code that must know the monitor has seen a response whole.
 */
export const networkSettled = async (deadline = Date.now() + 30_000): Promise<void> => {
  await new Promise((resolve) => setImmediate(resolve));
  await Promise.all([...state.open].map((call) => call.networkDoneBy(deadline)));
};

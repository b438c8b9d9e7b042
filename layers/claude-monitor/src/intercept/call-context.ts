import { AsyncLocalStorage } from 'node:async_hooks';
import type { ResolvedMonitor } from '../client/options';
import type { Attribution, Instrumentation } from '../domain/call-record';

/** How the calls of a context are recorded. */
export interface CallOptions {
  monitor: ResolvedMonitor;
  instrumentation: Instrumentation;
  /** The call went through `client.beta.*` (known to explicit clients; otherwise read from the request). */
  beta?: boolean;
  /** Attribution of this one call (`withAttribution`), over the scope's and the client's. */
  attribution?: Attribution;
  /** Retries the SDK allows this call (explicit clients know it), so a failed last attempt ends the call. */
  maxRetries?: number;
  /** The caller's own abort signal (explicit clients), to tell a caller's abort from the SDK's timeout. */
  userSignal?: AbortSignal;
  /** Reason of a per-call budget override (`withBudgetOverride`). */
  budgetOverride?: string;
}

/** An SDK method call in progress on an explicitly monitored client; its HTTP attempts form one call. */
export interface ExplicitContext {
  options: CallOptions;
  /** The call its attempts belong to (a `LogicalCall`), once the first attempt started. */
  call?: { finished: boolean };
}

/** One store per process, even when the ESM and CommonJS builds of the monitor are both loaded. */
const CONTEXT_KEY = Symbol.for('claude-monitor.explicit-context');
const OWNER_KEY = Symbol.for('claude-monitor.request-owner');
const global = globalThis as {
  [CONTEXT_KEY]?: AsyncLocalStorage<ExplicitContext>;
  [OWNER_KEY]?: AsyncLocalStorage<true>;
};
global[CONTEXT_KEY] ??= new AsyncLocalStorage<ExplicitContext>();
global[OWNER_KEY] ??= new AsyncLocalStorage<true>();
const contexts = global[CONTEXT_KEY];
const owners = global[OWNER_KEY];

/** Runs an SDK method call of an explicitly monitored client; returns exactly what `fn` returns. */
export const runExplicit = <R>(options: CallOptions, fn: () => R): R => contexts.run({ options }, fn);

export const currentExplicitContext = (): ExplicitContext | undefined => contexts.getStore();

/**
 * Marks work done on behalf of a request a tap already handles, so a lower tap (a custom `fetch` calling
 * the global one, a fetch polyfill over `node:http`) lets it pass: every request is recorded once.
 */
export const runAsOwner = <R>(fn: () => R): R => owners.run(true, fn);

export const requestAlreadyOwned = (): boolean => owners.getStore() === true;

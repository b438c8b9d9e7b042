import { CALLER_READ, type CallerRead } from '../domain/call-record';
import type { RequestBody } from './request-body';
import { READ_MODE, type ReadMode, ResponseReader, readModeOf } from './response-reader';
import type { Target } from './targets';

/** Where an exchange stood when it was aborted by its caller. */
export const ABORT_PHASE = {
  beforeResponse: 'before_response',
  duringBody: 'during_body',
  afterBody: 'after_body',
} as const;
export type AbortPhase = (typeof ABORT_PHASE)[keyof typeof ABORT_PHASE];

/** Lower-case header lookup of a request or response. */
export type HeaderLookup = (name: string) => string | undefined;

/** The owner of an exchange: told once when it has settled (see {@link Exchange.settled}). */
export interface ExchangeOwner {
  exchangeSettled(exchange: Exchange): void;
}

/**
 * One HTTP attempt of a Claude call, as an adapter (fetch or node:http) sees it: request facts, response
 * status and headers, every body byte as it arrives from the network (whether or not the caller reads it),
 * how far the caller read, and aborts. It settles once: when the network side is over and, for a successful
 * response, the caller has finished with it (read to the end, cancelled or aborted) — or when forced at the
 * end of an invocation.
 */
export class Exchange {
  public readonly start = performance.now();
  public readonly startedAt = Date.now();
  public status: number | undefined;
  public responseHeader: HeaderLookup = () => undefined;
  public reader: ResponseReader | undefined;
  /** The network side ended: the whole body arrived. */
  public complete = false;
  /** The network side failed (connection error, timeout, abort); the error as the client saw it. */
  public error: unknown;
  public failed = false;
  public abortPhase: AbortPhase | undefined;
  public endedAt: number | undefined;
  public callerState: 'unread' | 'reading' | 'end' | 'cancel' = 'unread';
  public settled = false;
  /** Set when the exchange was settled by force (end of invocation) before it was over. */
  public forced = false;
  private owner: ExchangeOwner | undefined;
  private readonly settledHooks: (() => void)[] = [];
  private markNetworkDone!: () => void;
  private readonly networkDone = new Promise<void>((resolve) => {
    this.markNetworkDone = resolve;
  });

  public constructor(
    public readonly target: Target,
    public readonly requestHeader: HeaderLookup,
    public readonly body: RequestBody,
    private readonly capture: boolean,
    private readonly onBatchLine?: (line: string) => void,
  ) {}

  public attach(owner: ExchangeOwner): void {
    this.owner = owner;
  }

  public onResponse(status: number, header: HeaderLookup): ReadMode {
    this.status = status;
    this.responseHeader = header;
    const mode = readModeOf(this.target, status, header('content-type'));
    this.reader = new ResponseReader(this.target, mode, this.capture, this.onBatchLine);
    return mode;
  }

  public onChunk(chunk: Uint8Array): void {
    this.reader?.push(chunk);
  }

  public onEnd(): void {
    if (this.complete || this.failed) return;
    this.complete = true;
    this.endedAt = performance.now();
    this.markNetworkDone();
    this.reader?.end();
    if (!this.successful() || this.callerState === 'end' || this.callerState === 'cancel') this.settle();
    else if (this.reader?.mode === READ_MODE.lines) this.settle();
  }

  public onError(error: unknown): void {
    if (this.complete || this.failed) return;
    this.failed = true;
    this.error = error;
    this.endedAt = performance.now();
    this.markNetworkDone();
    this.settle();
  }

  /** The caller's abort signal fired. */
  public onAbort(): void {
    if (this.abortPhase !== undefined || this.callerState === 'end') return;
    // Once an error response is in, the call's outcome is that error: an SDK drops its body before a retry.
    if (this.status !== undefined && !this.successful()) return;
    this.abortPhase =
      this.status === undefined
        ? ABORT_PHASE.beforeResponse
        : this.complete
          ? ABORT_PHASE.afterBody
          : ABORT_PHASE.duringBody;
    // Before or during the body the client's own error follows (onError); after it, nothing else will.
    if (this.complete) this.settle();
  }

  public onCallerRead(): void {
    if (this.callerState === 'unread') this.callerState = 'reading';
  }

  public onCallerEnd(): void {
    if (this.callerState === 'end' || this.callerState === 'cancel') return;
    this.callerState = 'end';
    if (this.complete) this.settle();
  }

  public onCallerCancel(): void {
    if (this.callerState === 'end' || this.callerState === 'cancel') return;
    this.callerState = 'cancel';
    if (this.abortPhase === undefined && this.successful()) {
      this.abortPhase = this.complete ? ABORT_PHASE.afterBody : ABORT_PHASE.duringBody;
    }
    if (this.complete) this.settle();
  }

  /** Ends the exchange now, whatever its state (end of invocation). */
  public force(): void {
    if (this.settled) return;
    this.forced = !this.complete && !this.failed;
    this.endedAt ??= performance.now();
    this.markNetworkDone();
    this.settle();
  }

  /** Resolves when the network side is over (whole body, failure, or forced). */
  public whenNetworkDone(): Promise<void> {
    return this.networkDone;
  }

  /** The network side is over. */
  public networkOver(): boolean {
    return this.complete || this.failed;
  }

  /** 2xx with a body the monitor reads. */
  public successful(): boolean {
    return this.status !== undefined && this.status < 400;
  }

  /** The caller gave up on this exchange: an abort, or a cancelled body. */
  public abortedByCaller(): boolean {
    return this.abortPhase !== undefined;
  }

  public callerRead(): CallerRead {
    if (this.callerState === 'end') return CALLER_READ.all;
    return this.callerState === 'unread' ? CALLER_READ.none : CALLER_READ.partial;
  }

  /** Runs `hook` once the exchange has settled (at once if it has). */
  public afterSettle(hook: () => void): void {
    if (this.settled) hook();
    else this.settledHooks.push(hook);
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.owner?.exchangeSettled(this);
    for (const hook of this.settledHooks.splice(0)) hook();
  }
}

import { type ClientRequest, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { BudgetDecision } from '../budget/enforcer';
import type { RefusalParts } from '../budget/refusal-response';
import { reportMonitorFailure } from '../recorder/log-line';
import type { HeldAction } from './held-verdict';

type Method = (...args: unknown[]) => unknown;
type Held = { method: 'write' | 'end' | 'flushHeaders'; args: unknown[] };

/** The verdict on a held request: undefined when no check applies (sent at once). */
export type Verdict = Promise<BudgetDecision | undefined> | undefined;

/**
 * Holds the bytes of a `node:http` request (Anthropic SDKs over `node-fetch`, the AWS SDK on HTTP/1.1) until
 * its budget check decides. Node sends a request's headers with its first `write`, `end` or `flushHeaders`,
 * so holding those three calls holds everything: the socket may connect, but no byte of the request leaves.
 * Once decided, the calls are passed on unchanged, in order (a downgrade passes the rewritten body instead),
 * or the request is answered by the monitor and the socket given up unused.
 *
 * Installed below the body capture, so `end` (the body complete) is where the check starts; when no check
 * applies the held calls go on in the same tick.
 */
export class HeldClientRequest {
  private readonly held: Held[] = [];
  private readonly original: Record<Held['method'], Method>;
  private state: 'holding' | 'deciding' | 'sent' | 'answered' = 'holding';
  private verdict: { value: Verdict } | undefined;
  private act: (decision: BudgetDecision | undefined) => HeldAction = () => ({ kind: 'send' });

  public constructor(private readonly req: ClientRequest) {
    this.original = { write: req.write, end: req.end, flushHeaders: req.flushHeaders } as Record<
      Held['method'],
      Method
    >;
    const self = this;
    for (const method of ['write', 'end', 'flushHeaders'] as const) {
      req[method] = function heldCall(this: ClientRequest, ...args: unknown[]) {
        if (self.state === 'sent') return self.original[method].apply(this, args);
        if (self.state === 'answered') return method === 'end' ? this : true;
        self.held.push({ method, args });
        if (method === 'end') self.decideWhenKnown();
        return method === 'end' ? this : method === 'write' ? true : undefined;
      } as never;
    }
    // Once the monitor answered, the socket it gives up is no failure of the caller's request.
    const emit = req.emit as (event: string | symbol, ...args: unknown[]) => boolean;
    req.emit = function heldEmit(this: ClientRequest, event: string | symbol, ...args: unknown[]) {
      if (event === 'error' && self.state === 'answered') return false;
      return emit.call(this, event, ...args);
    } as ClientRequest['emit'];
  }

  /** The check of the request, known once its body is complete (before `end` reaches this class). */
  public decideBy(verdict: Verdict, act: (decision: BudgetDecision | undefined) => HeldAction): void {
    this.verdict = { value: verdict };
    this.act = act;
  }

  private decideWhenKnown(): void {
    if (this.state !== 'holding') return;
    const verdict = this.verdict?.value;
    this.state = 'deciding';
    if (verdict === undefined) {
      this.apply(undefined);
      return;
    }
    void verdict.then(
      (decision) => this.apply(decision),
      () => this.apply(undefined),
    );
  }

  private apply(decision: BudgetDecision | undefined): void {
    let action: HeldAction = { kind: 'send' };
    try {
      action = this.act(decision);
    } catch (error) {
      reportMonitorFailure('http', error);
    }
    try {
      if (action.kind === 'answer') this.answer(action.refusal);
      else this.send(action.body);
    } catch (error) {
      // What a held call would have thrown to the caller, had it run at once, ends the request instead: its
      // caller listens for the request's errors, and nothing may reject unhandled.
      reportMonitorFailure('http', error);
      if (!this.req.destroyed) this.req.destroy(error as Error);
    }
  }

  private send(body: string | undefined): void {
    this.state = 'sent';
    const held = this.held.splice(0);
    // Given up while held (the caller's abort or timeout destroyed it): there is nothing left to send.
    if (this.req.destroyed) return;
    if (body !== undefined) {
      this.sendRewritten(held, body);
      return;
    }
    for (const call of held) this.original[call.method].apply(this.req, call.args);
  }

  /** Sends `body` in place of the held writes, calling their callbacks as Node would have. */
  private sendRewritten(held: Held[], body: string): void {
    const callbacks = held.flatMap((call) =>
      call.method === 'write' ? call.args.filter((arg) => typeof arg === 'function') : [],
    ) as (() => void)[];
    const end = held.find((call) => call.method === 'end');
    const endCallback = end?.args.find((arg) => typeof arg === 'function');
    if (!this.req.headersSent && this.req.hasHeader('content-length')) {
      this.req.setHeader('content-length', Buffer.byteLength(body));
    }
    this.original.write.call(this.req, body, () => {
      for (const callback of callbacks) callback();
    });
    this.original.end.apply(this.req, endCallback ? [endCallback] : []);
  }

  /**
   * Answers the request with the monitor's refusal, as a response of the same kind Node gives (an
   * `IncomingMessage`), then gives up the request and its socket: nothing was written to it.
   */
  private answer(refusal: RefusalParts): void {
    this.state = 'answered';
    this.held.length = 0;
    if (this.req.destroyed) return;
    const res = new IncomingMessage(new Socket());
    res.statusCode = refusal.status;
    res.statusMessage = refusal.statusText;
    res.httpVersion = '1.1';
    res.httpVersionMajor = 1;
    res.httpVersionMinor = 1;
    const headers = { ...refusal.headers, 'content-length': String(Buffer.byteLength(refusal.body)) };
    res.headers = headers;
    res.rawHeaders = Object.entries(headers).flat();
    this.req.emit('response', res);
    res.push(Buffer.from(refusal.body));
    res.push(null);
    res.complete = true;
    this.req.destroy();
  }
}

import { type ClientHttp2Stream, constants, type OutgoingHttpHeaders } from 'node:http2';
import { Duplex } from 'node:stream';
import type { BudgetDecision } from '../budget/enforcer';
import type { RefusalParts } from '../budget/refusal-response';
import { reportMonitorFailure } from '../recorder/log-line';
import type { Verdict } from './held-client-request';
import type { HeldAction } from './held-verdict';

/** Events of the real stream the caller listens to, passed on as they come (body and errors apart). */
const FORWARDED = ['response', 'headers', 'trailers', 'frameError', 'aborted'] as const;

type Callback = (error?: Error | null) => void;

/**
 * The stream a caller gets for an HTTP/2 request held for its budget check. HTTP/2 sends a request's
 * headers when the stream is opened (`session.request`), before its body is written, so holding the request
 * means not opening the stream yet: this stands in for it. It keeps what the caller writes; once the body is
 * complete and the check has decided, it opens the real stream with the caller's headers and body and passes
 * on its response, body, events, timeout and closing; or it answers the request itself with the refusal,
 * and no stream is opened. Methods the AWS SDK's HTTP/2 handler uses (`setTimeout`, `close`, `destroy`,
 * `rstCode`) act on the real stream once it is open.
 *
 * Checked against `@smithy/node-http-handler` 4.14 (`NodeHttp2Handler`): it reads the response from the
 * stream's `response` event and the stream itself as the body.
 */
export class HeldHttp2Stream extends Duplex {
  private real: ClientHttp2Stream | undefined;
  private readonly held: { chunk: Buffer; encoding: BufferEncoding }[] = [];
  private verdict: { value: Verdict } | undefined;
  private act: (decision: BudgetDecision | undefined) => HeldAction = () => ({ kind: 'send' });
  private timeout: { ms: number; callback?: () => void } | undefined;
  private realEnded = false;
  private localRstCode: number | undefined;

  public constructor(
    private readonly open: (headers: OutgoingHttpHeaders) => ClientHttp2Stream,
    private readonly headers: OutgoingHttpHeaders,
  ) {
    super({ allowHalfOpen: true });
  }

  /** The check of the request, known once its body is complete (before `end` reaches this stream). */
  public decideBy(verdict: Verdict, act: (decision: BudgetDecision | undefined) => HeldAction): void {
    this.verdict = { value: verdict };
    this.act = act;
  }

  public get rstCode(): number | undefined {
    return this.real ? this.real.rstCode : this.localRstCode;
  }

  public get id(): number | undefined {
    return this.real?.id;
  }

  public get sentHeaders(): OutgoingHttpHeaders | undefined {
    return this.real?.sentHeaders;
  }

  public setTimeout(ms: number, callback?: () => void): this {
    if (this.real) this.real.setTimeout(ms, callback);
    else this.timeout = { ms, ...(callback ? { callback } : {}) };
    return this;
  }

  /** Closes the stream with an HTTP/2 error code, as `ClientHttp2Stream.close` does. */
  public close(code: number = constants.NGHTTP2_NO_ERROR, callback?: () => void): void {
    if (this.real) {
      this.real.close(code, callback);
      return;
    }
    this.localRstCode = code;
    if (callback) this.once('close', callback);
    this.destroy();
  }

  public override _write(chunk: Buffer, encoding: BufferEncoding, callback: Callback): void {
    if (this.real) this.real.write(chunk, encoding, callback);
    else {
      this.held.push({ chunk, encoding });
      callback();
    }
  }

  public override _final(callback: Callback): void {
    const verdict = this.verdict?.value;
    if (verdict === undefined) {
      this.apply(undefined, callback);
      return;
    }
    void verdict.then(
      (decision) => this.apply(decision, callback),
      () => this.apply(undefined, callback),
    );
  }

  public override _read(): void {
    this.real?.resume();
  }

  public override _destroy(error: Error | null, callback: Callback): void {
    if (this.real && !this.real.destroyed) this.real.destroy(error ?? undefined);
    callback(error);
  }

  private apply(decision: BudgetDecision | undefined, callback: Callback): void {
    if (this.destroyed) {
      callback();
      return;
    }
    let action: HeldAction = { kind: 'send' };
    try {
      action = this.act(decision);
    } catch (error) {
      reportMonitorFailure('http2', error);
    }
    try {
      if (action.kind === 'answer') {
        callback();
        this.answer(action.refusal);
        return;
      }
      this.send(action.body, callback);
    } catch (error) {
      // Nothing may reject unhandled: the caller sees the failure as the stream's error.
      reportMonitorFailure('http2', error);
      this.destroy(error as Error);
    }
  }

  private send(body: string | undefined, callback: Callback): void {
    const headers = { ...this.headers };
    if (body !== undefined && headers['content-length'] !== undefined) {
      headers['content-length'] = Buffer.byteLength(body);
    }
    let real: ClientHttp2Stream;
    try {
      real = this.open(headers);
    } catch (error) {
      // What `session.request` throws (a closed session) reaches the caller as the stream's error.
      callback();
      this.destroy(error as Error);
      return;
    }
    this.real = real;
    this.follow(real);
    if (this.timeout) real.setTimeout(this.timeout.ms, this.timeout.callback);
    const held = this.held.splice(0);
    if (body !== undefined) real.write(body);
    else for (const { chunk, encoding } of held) real.write(chunk, encoding);
    real.end(() => callback());
  }

  private follow(real: ClientHttp2Stream): void {
    for (const event of FORWARDED) {
      real.on(event, (...args: unknown[]) => this.emit(event, ...args));
    }
    real.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) real.pause();
    });
    real.on('end', () => {
      this.realEnded = true;
      this.push(null);
    });
    real.on('error', (error: Error) => this.destroy(error));
    // Reset or closed before its end: the caller's stream ends the same way (after any error above).
    real.on('close', () => {
      if (!this.realEnded && !this.destroyed) this.destroy();
    });
  }

  /** Answers with the refusal: a response the way a stream gives one, its body, then its end. */
  private answer(refusal: RefusalParts): void {
    this.held.length = 0;
    const headers: Record<string, string | number> = {
      ':status': refusal.status,
      ...refusal.headers,
      'content-length': String(Buffer.byteLength(refusal.body)),
    };
    this.emit('response', headers, constants.NGHTTP2_FLAG_END_HEADERS);
    this.push(Buffer.from(refusal.body));
    this.push(null);
  }
}

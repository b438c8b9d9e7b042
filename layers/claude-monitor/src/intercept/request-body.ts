/**
 * The body of a recognised request, read only when a record needs it (the requested model of a failed call,
 * the prompt when content capture is on, the Anthropic mark of an opaque Bedrock id). Clients send the body
 * as one string or a few chunks that are already in memory; it is kept by reference and parsed at most once,
 * after the caller has its answer.
 */
export class RequestBody {
  private readonly parts: (string | Uint8Array)[] = [];
  private bytes = 0;
  private overflow = false;
  private parsed: Record<string, unknown> | null | undefined;

  /** Bodies larger than this are not kept: their fields are then unknown (never guessed). */
  public static readonly MAX_BYTES = 32 * 1024 * 1024;

  /** Adds a part of the body (a `write()` of an HTTP request, or the whole fetch body). */
  public add(part: unknown, encoding?: BufferEncoding): void {
    if (this.overflow || part === undefined || part === null) return;
    let kept: string | Uint8Array | undefined;
    if (typeof part === 'string') kept = encoding && encoding !== 'utf8' ? Buffer.from(part, encoding) : part;
    else if (part instanceof Uint8Array) kept = part;
    else if (part instanceof ArrayBuffer) kept = new Uint8Array(part);
    if (kept === undefined) {
      // A stream, a form or a blob: not a Messages request body the monitor can read without consuming it.
      this.overflow = true;
      return;
    }
    this.bytes += typeof kept === 'string' ? kept.length : kept.byteLength;
    if (this.bytes > RequestBody.MAX_BYTES) {
      this.overflow = true;
      this.parts.length = 0;
      return;
    }
    this.parts.push(kept);
  }

  /** Replaces the body with the one actually sent (a budget downgrade rewrote its model). */
  public replace(text: string): void {
    this.parts.length = 0;
    this.parts.push(text);
    this.bytes = text.length;
    this.overflow = false;
    this.parsed = undefined;
  }

  /** The body as text, when it was kept. */
  public text(): string | undefined {
    if (this.overflow) return undefined;
    if (this.parts.length === 1 && typeof this.parts[0] === 'string') return this.parts[0];
    return Buffer.concat(
      this.parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)),
    ).toString('utf8');
  }

  /** Whether the raw text contains `needle` (cheap checks that need no parse). */
  public includes(needle: string): boolean {
    return this.text()?.includes(needle) ?? false;
  }

  /** The body as a JSON object, parsed once; undefined when it is not one. */
  public json(): Record<string, unknown> | undefined {
    if (this.parsed === undefined) {
      this.parsed = null;
      const text = this.text();
      if (text !== undefined) {
        try {
          const value: unknown = JSON.parse(text);
          if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
            this.parsed = value as Record<string, unknown>;
          }
        } catch {
          // Not JSON: the fields stay unknown.
        }
      }
    }
    return this.parsed ?? undefined;
  }

  /** A top-level string field (e.g. `model`). */
  public stringField(name: string): string | undefined {
    const value = this.json()?.[name];
    return typeof value === 'string' ? value : undefined;
  }
}

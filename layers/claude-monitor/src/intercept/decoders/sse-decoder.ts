/** One server-sent event: its `event:` name (empty when absent) and its `data:` lines joined by `\n`. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Incremental `text/event-stream` decoder (https://html.spec.whatwg.org/multipage/server-sent-events.html):
 * bytes in any chunking, LF / CRLF / CR line ends, multi-line data, comments ignored.
 */
export class SseDecoder {
  private readonly text = new TextDecoder();
  private pending = '';
  private event = '';
  private data: string[] = [];

  /** Decodes a chunk; returns the events it completed. */
  public push(chunk: Uint8Array): SseEvent[] {
    this.pending += this.text.decode(chunk, { stream: true });
    return this.drain(false);
  }

  /** Ends the stream; returns an event left without its closing blank line, if any. */
  public end(): SseEvent[] {
    this.pending += this.text.decode();
    return this.drain(true);
  }

  private drain(final: boolean): SseEvent[] {
    const events: SseEvent[] = [];
    let start = 0;
    // Searched again only once passed: a body without CRs is not scanned to its end once per line.
    let cr = this.pending.indexOf('\r');
    for (;;) {
      const lf = this.pending.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = this.pending.indexOf('\r', start);
      let end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === -1) break;
      // A CR at the very end of a chunk may be the first half of a CRLF: wait for the next byte.
      if (end === cr && end === this.pending.length - 1 && !final) break;
      const line = this.pending.slice(start, end);
      if (this.pending[end] === '\r' && this.pending[end + 1] === '\n') end++;
      start = end + 1;
      this.line(line, events);
    }
    this.pending = this.pending.slice(start);
    if (final) {
      if (this.pending !== '') this.line(this.pending, events);
      this.pending = '';
      this.line('', events);
    }
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0 || this.event !== '')
        events.push({ event: this.event, data: this.data.join('\n') });
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
  }
}

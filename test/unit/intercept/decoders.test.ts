import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../infra/local/bedrock-stub';
import { EventStreamDecoder } from '../../../layers/claude-monitor/src/intercept/decoders/event-stream-decoder';
import { SseDecoder } from '../../../layers/claude-monitor/src/intercept/decoders/sse-decoder';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `data` split at `cut`, then ends the stream. */
const decodeSplit = (data: Uint8Array, cut: number) => {
  const decoder = new SseDecoder();
  return [...decoder.push(data.subarray(0, cut)), ...decoder.push(data.subarray(cut)), ...decoder.end()];
};

describe('SseDecoder', () => {
  const stream = bytes(
    'event: message_start\r\ndata: {"a":1}\r\n\r\n: a comment\n\nevent: content_block_delta\ndata: {"b":\ndata: 2}\n\n',
  );
  const expected = [
    { event: 'message_start', data: '{"a":1}' },
    { event: 'content_block_delta', data: '{"b":\n2}' },
  ];

  it('gives the same events whatever the chunk boundaries, CRLF included', () => {
    // Act
    const results = Array.from({ length: stream.length + 1 }, (_, cut) => decodeSplit(stream, cut));
    // Assess
    for (const events of results) expect(events).toEqual(expected);
  });

  it('ends lines at LF, CR or CRLF, in any mix within one chunk', () => {
    // Prepare: LF-ended lines before a bare CR, a CRLF and LF-ended lines after them
    const mixed = bytes('event: a\ndata: 1\n\nevent: b\rdata: 2\r\r\nevent: c\r\ndata: 3\n\ndata: 4\n\n');
    // Act
    const results = Array.from({ length: mixed.length + 1 }, (_, cut) => decodeSplit(mixed, cut));
    // Assess
    for (const events of results) {
      expect(events).toEqual([
        { event: 'a', data: '1' },
        { event: 'b', data: '2' },
        { event: 'c', data: '3' },
        { event: '', data: '4' },
      ]);
    }
  });

  it('keeps multi-byte characters split across chunks', () => {
    // Prepare
    const text = bytes('data: {"t":"héllo 👋"}\n\n');
    // Act
    const results = Array.from({ length: text.length + 1 }, (_, cut) => decodeSplit(text, cut));
    // Assess
    for (const events of results) expect(events).toEqual([{ event: '', data: '{"t":"héllo 👋"}' }]);
  });

  it('delivers an event whose closing blank line never came when the stream ends', () => {
    // Prepare
    const decoder = new SseDecoder();
    // Act
    const before = decoder.push(bytes('event: message_stop\ndata: {}'));
    const after = decoder.end();
    // Assess
    expect(before).toEqual([]);
    expect(after).toEqual([{ event: 'message_stop', data: '{}' }]);
  });
});

describe('EventStreamDecoder', () => {
  const frame = (type: string, payload: string) =>
    encodeFrame(
      [
        [':event-type', type],
        [':message-type', 'event'],
      ],
      payload,
    );

  it('decodes frames across any chunk boundary, with their string headers', () => {
    // Prepare
    const data = Buffer.concat([
      frame('chunk', '{"bytes":"eyJ0eXBlIjoicGluZyJ9"}'),
      frame('metadata', '{"usage":{}}'),
    ]);
    // Act
    const results = Array.from({ length: data.length + 1 }, (_, cut) => {
      const decoder = new EventStreamDecoder();
      return [...decoder.push(data.subarray(0, cut)), ...decoder.push(data.subarray(cut))].map((message) => [
        message.headers[':event-type'],
        Buffer.from(message.payload).toString('utf8'),
      ]);
    });
    // Assess
    for (const messages of results) {
      expect(messages).toEqual([
        ['chunk', '{"bytes":"eyJ0eXBlIjoicGluZyJ9"}'],
        ['metadata', '{"usage":{}}'],
      ]);
    }
  });

  it('refuses bytes that cannot be a frame instead of buffering them without end', () => {
    // Prepare
    const decoder = new EventStreamDecoder();
    // Act
    const act = () => decoder.push(bytes('{"not":"an event stream frame at all"}'));
    // Assess
    expect(act).toThrow('not an event-stream frame');
  });
});

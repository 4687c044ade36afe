import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { HttpResponseReader } from '../../../../src/core/util/httpResponse';

/**
 * Feeds `wire` to a reader in the pieces `cuts` makes, each through one reused buffer that is
 * scribbled over after every call, as a kept socket's reads are (keptHttp.ts): the reader must
 * copy whatever it keeps past a call.
 */
function readThroughOneBuffer(wire: Buffer, cuts: number[]) {
  const shared = Buffer.alloc(wire.length);
  const reader = new HttpResponseReader(1024 * 1024);
  let from = 0;
  let state = 'more';
  for (const to of [...cuts.filter((c) => c > 0 && c < wire.length).sort((a, b) => a - b), wire.length]) {
    if (to <= from) continue;
    const n = wire.copy(shared, 0, from, to);
    state = reader.feed(shared.subarray(0, n));
    shared.fill(0x5a);
    from = to;
    if (state !== 'more') break;
  }
  return { state, reader };
}

function chunked(body: Buffer, sizes: number[]): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  for (const size of sizes) {
    if (i >= body.length) break;
    const piece = body.subarray(i, i + Math.max(1, size));
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
    i += piece.length;
  }
  if (i < body.length)
    parts.push(Buffer.from(`${(body.length - i).toString(16)}\r\n`), body.subarray(i), Buffer.from('\r\n'));
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

describe('util/httpResponse: a response read from reads into one reused buffer', () => {
  it('keeps the head, chunk-size lines and body intact however the reads cut them, whatever the framing and encoding', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 70_000 }),
        fc.constantFrom('length', 'chunked', 'close'),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 80_000 }), { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 9_000 }), { maxLength: 12 }),
        (raw, framing, gzip, cuts, chunkSizes) => {
          const body = Buffer.from(raw);
          const sent = gzip ? zlib.gzipSync(body) : body;
          const headers = [`HTTP/1.1 200 OK`, `X-Long: ${'v'.repeat(300)}`];
          if (gzip) headers.push('Content-Encoding: gzip');
          if (framing === 'length') headers.push(`Content-Length: ${sent.length}`);
          if (framing === 'chunked') headers.push('Transfer-Encoding: chunked');
          const wire = Buffer.concat([
            Buffer.from(headers.join('\r\n') + '\r\n\r\n', 'latin1'),
            framing === 'chunked' ? chunked(sent, chunkSizes) : sent,
          ]);
          const { state, reader } = readThroughOneBuffer(wire, cuts);
          if (framing === 'close') {
            assert.equal(state, 'more');
            assert.ok(reader.endOfInput());
          } else assert.equal(state, 'done');
          const r = reader.response('http://127.0.0.1/x', 0);
          assert.ok(r.ok, r.ok ? '' : r.error.message);
          assert.equal(r.value.status, 200);
          assert.equal(r.value.headers['x-long'], 'v'.repeat(300));
          assert.ok(r.value.body.equals(body), 'the body as sent');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hands over a body the next response cannot change, and an empty one when there is none', () => {
    const wire = (text: string) =>
      Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${text.length}\r\n\r\n${text}`, 'latin1');
    const first = readThroughOneBuffer(wire('first body'), [5, 20, 40]).reader.response('u', 0);
    const second = readThroughOneBuffer(wire('second!!!!'), [3]).reader.response('u', 0);
    assert.ok(first.ok && second.ok);
    assert.equal(first.value.body.toString(), 'first body');
    assert.equal(second.value.body.toString(), 'second!!!!');
    const empty = readThroughOneBuffer(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'), [10]).reader.response('u', 0);
    assert.ok(empty.ok);
    assert.equal(empty.value.status, 204);
    assert.equal(empty.value.body.length, 0);
  });
});

import * as assert from 'node:assert/strict';
import * as protobuf from 'protobufjs';
import { decodeTraceTree, decodeTraces } from '../../../../src/core/traces/decodeTraces';
import { otlpType } from '../../../../src/core/traces/otlpSchema';
import { otlpBatchMaker } from '../../../helpers/otlpBatch';

const LIMITS = { maxAttributeBytesPerSpan: 300, maxNameChars: 40 };

/** What protobufjs's generated decoder makes of the body, read by the tree rules OTLP/JSON also uses. */
function throughProtobufjs(body: Uint8Array) {
  try {
    return { ok: true, value: decodeTraceTree(otlpType('ExportTraceServiceRequest').decode(body), LIMITS) };
  } catch {
    return { ok: false };
  }
}

function offTheWire(body: Uint8Array) {
  const r = decodeTraces(body, 'protobuf', LIMITS);
  return r.ok ? { ok: true, value: r.value } : { ok: false };
}

const len = (field: number, inner: Uint8Array) =>
  protobuf.Writer.create()
    .uint32((field << 3) | 2)
    .bytes(inner)
    .finish();
const id = (last: number, size: number) => Uint8Array.from({ length: size }, (_, i) => (i === size - 1 ? last : 0));

/** Bodies that take the unusual paths: late resource, defaults, merged values, nesting, bad ids and times. */
function edgeBodies(): Uint8Array[] {
  const T = otlpType('ExportTraceServiceRequest');
  const tricky = T.encode(
    T.fromObject({
      resourceSpans: [
        {
          scopeSpans: [
            {
              scope: { name: 'lib', version: '1', attributes: [{ key: 'k', value: { stringValue: 'v' } }] },
              spans: [
                { traceId: id(1, 16), spanId: id(2, 8), name: '', startTimeUnixNano: 5, endTimeUnixNano: 4 },
                {
                  traceId: id(1, 16),
                  spanId: id(3, 8),
                  parentSpanId: id(0, 8),
                  name: 'a name longer than the forty characters kept of it',
                  kind: 9,
                  startTimeUnixNano: 5,
                  endTimeUnixNano: 9,
                  status: { code: 2, message: 'boom' },
                  attributes: [
                    {
                      key: 'list',
                      value: {
                        arrayValue: {
                          values: [
                            { intValue: -5 },
                            { boolValue: false },
                            {},
                            { kvlistValue: { values: [{ key: 'k', value: { doubleValue: 1.5 } }, { key: '' }] } },
                          ],
                        },
                      },
                    },
                    { key: 'bytes', value: { bytesValue: Buffer.from('hi') } },
                    { key: '', value: { stringValue: 'no key' } },
                    { key: 'no value' },
                    { key: 'empty', value: { stringValue: '' } },
                    { key: 'big', value: { intValue: '9007199254740993' } },
                    { key: 'long', value: { stringValue: 'x'.repeat(400) } },
                  ],
                },
                { traceId: id(0, 16), spanId: id(3, 8) },
                { traceId: id(1, 15), spanId: id(3, 8) },
                { traceId: id(1, 16), spanId: id(3, 7) },
                {
                  traceId: id(1, 16),
                  spanId: id(3, 8),
                  parentSpanId: id(1, 4),
                  startTimeUnixNano: 1,
                  endTimeUnixNano: 2,
                },
              ],
            },
          ],
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'sent after its spans' } }] },
        },
        {
          resource: { attributes: [{ key: 'service.name', value: { intValue: 3 } }] },
          scopeSpans: [{ spans: [{ traceId: id(7, 16), spanId: id(8, 8), startTimeUnixNano: 1, endTimeUnixNano: 1 }] }],
        },
      ],
    }),
  ).finish();
  // Values nested 10 deep (cut to "[nested too deep]") and 60 deep (past protobufjs's recursion limit).
  const nested = (depth: number) => {
    let av = len(1, Buffer.from('deep'));
    for (let i = 0; i < depth; i++) av = len(5, len(1, av));
    const kv = Buffer.concat([len(1, Buffer.from('n')), len(2, av)]);
    const times = Buffer.from([0x39, 1, 0, 0, 0, 0, 0, 0, 0, 0x41, 2, 0, 0, 0, 0, 0, 0, 0]);
    const span = Buffer.concat([len(1, id(1, 16)), len(2, id(2, 8)), times, len(9, kv)]);
    return len(1, len(2, len(2, span)));
  };
  // A value sent twice in one KeyValue: protobufjs merges the two AnyValues.
  const twice = (() => {
    const kv = Buffer.concat([
      len(1, Buffer.from('k')),
      len(2, len(1, Buffer.from('s'))),
      len(2, Buffer.from([0x18, 7])),
    ]);
    const times = Buffer.from([0x39, 1, 0, 0, 0, 0, 0, 0, 0, 0x41, 2, 0, 0, 0, 0, 0, 0, 0]);
    return len(1, len(2, len(2, Buffer.concat([len(1, id(1, 16)), len(2, id(2, 8)), times, len(9, kv)]))));
  })();
  return [tricky, nested(10), nested(60), twice];
}

describe('OTLP/protobuf read off the wire', function () {
  this.timeout(60_000);

  it('gives the spans, refusals and errors protobufjs gives, for SDK bodies, odd ones and thousands of corrupted ones', async () => {
    const maker = otlpBatchMaker(50);
    const bodies = [maker.body(Date.now()), ...edgeBodies()];
    await maker.shutdown();
    for (const b of bodies) assert.deepEqual(offTheWire(b), throughProtobufjs(b));
    assert.equal(offTheWire(bodies[0]!).value!.spans.length, 50);
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    let readable = 0;
    for (const b of bodies)
      for (let k = 0; k < 1500; k++) {
        const c = Buffer.from(b);
        for (let j = 0; j < 1 + Math.floor(rand() * 3); j++)
          c[Math.floor(rand() * c.length)] = Math.floor(rand() * 256);
        const cut = rand() < 0.2 ? c.subarray(0, Math.floor(rand() * c.length)) : c;
        const expected = throughProtobufjs(cut);
        assert.deepEqual(offTheWire(cut), expected, `corrupted body ${k}`);
        if (expected.ok) readable++;
      }
    assert.ok(readable > 1000, `${readable} corrupted bodies were still readable`);
  });
});

import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as fc from 'fast-check';
import { StringCopies, detachedCopy } from '../../../../src/core/session/sources';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A 16 MB exposition-like text (one flat string in the heap), and label values cut from it. */
function bodyAndSlices(n: number): { body: string; values: string[] } {
  const lines: string[] = [];
  for (let i = 0; lines.length * 64 < 16 * 1024 * 1024; i++)
    lines.push(`http_requests_total{route="/api/v1/items/${String(i).padStart(9, '0')}"} ${i}`.padEnd(63, ' '));
  const body = lines.join('\n');
  const values: string[] = [];
  for (let i = 0; i < n; i++) {
    const start = body.indexOf('"', i * 64 * 97) + 1;
    values.push(body.slice(start, body.indexOf('"', start)));
  }
  return { body, values };
}

/** Whether `v` holds a Date whose time is NaN, anywhere in its objects, arrays, maps and sets. */
function holdsInvalidDate(v: unknown, depth: number): boolean {
  if (v instanceof Date) return Number.isNaN(v.getTime());
  if (v === null || typeof v !== 'object' || depth > 16) return false;
  if (v instanceof Map)
    return [...v].some(([k, x]) => holdsInvalidDate(k, depth + 1) || holdsInvalidDate(x, depth + 1));
  if (v instanceof Set) return [...v].some((x) => holdsInvalidDate(x, depth + 1));
  return Object.values(v as object).some((x) => holdsInvalidDate(x, depth + 1));
}

describe('detachedCopy: a snapshot value copied so that it holds only itself', () => {
  it('equals what structuredClone gives, key order included, for every kind of value a snapshot holds', () => {
    const nullProto = Object.assign(Object.create(null) as Record<string, string>, { route: '/a', method: 'GET' });
    const protoLabel: Record<string, string> = {};
    Object.defineProperty(protoLabel, '__proto__', {
      value: 'x',
      enumerable: true,
      writable: true,
      configurable: true,
    });
    const value = {
      targetId: 'http://127.0.0.1:3000',
      time: 1_700_000_000_000,
      errors: [{ source: 'scrape', kind: 'malformed', message: '1 line(s) could not be read' }],
      http: { requestRate: 5, errorRate: 0, avgMs: undefined, routes: [{ route: '/a', p99Ms: NaN }] },
      histograms: [{ series: 'http.duration', labels: nullProto, buckets: [{ le: Infinity, count: -0 }] }],
      presets: { httpRequests: 'http_requests_total (demo)' },
      odd: { labels: protoLabel, when: new Date(0), nested: [[1, [2, ['three']]], null, true] },
    };
    const strings = new StringCopies();
    const copy = detachedCopy(value, strings);
    assert.deepStrictEqual(copy, structuredClone(value));
    assert.deepEqual(Object.keys(copy.http), Object.keys(value.http));
    assert.equal(Object.getPrototypeOf(copy.odd.labels), Object.prototype, 'a __proto__ label stays a label');
    assert.equal(Object.getOwnPropertyDescriptor(copy.odd.labels, '__proto__')?.value, 'x');
    assert.ok(copy.odd.when instanceof Date);
    // Nothing is shared with the original.
    value.http.routes[0]!.route = '/changed';
    value.histograms[0]!.buckets.push({ le: 1, count: 1 });
    assert.equal(copy.http.routes[0]!.route, '/a');
    assert.equal(copy.histograms[0]!.buckets.length, 1);
  });

  it('equals what structuredClone gives on any plain value (and leaves other objects to it)', () => {
    const strings = new StringCopies();
    const value = fc.anything({
      withNullPrototype: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withBigInt: true,
      withTypedArray: true,
      maxDepth: 5,
    });
    fc.assert(
      fc.property(value, (v) => {
        // An invalid Date is not deepStrictEqual even to its own structuredClone (NaN time): no oracle.
        fc.pre(!holdsInvalidDate(v, 0));
        assert.deepStrictEqual(detachedCopy(v, strings), structuredClone(v));
        strings.endRound();
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps none of the body its strings were cut from', () => {
    const base = heapAfterGc();
    let { body, values } = bodyAndSlices(500);
    const snapshot = { http: { routes: values.map((route) => ({ route, requestRate: 1 })) } };
    const withBody = heapAfterGc();
    assert.ok(withBody - base > 12e6, `the body is in the heap: ${withBody - base} bytes`);
    const copy = detachedCopy(snapshot, new StringCopies());
    body = '';
    // The slices alone keep the whole body: what the copy must not do.
    const slicesOnly = heapAfterGc();
    assert.ok(slicesOnly - base > 12e6, `label values cut from a body keep it: ${slicesOnly - base} bytes`);
    values = [];
    snapshot.http.routes = [];
    const copyOnly = heapAfterGc();
    assert.ok(copyOnly - base < 2e6, `the copy holds ${copyOnly - base} bytes`);
    assert.equal(copy.http.routes.length, 500);
    assert.match(copy.http.routes[499]!.route, /^\/api\/v1\/items\/\d{9}$/);
    assert.equal(body + values.length, '0');
  });
});

describe('StringCopies: strings reused from one round to the next, and only those', () => {
  it('gives equal strings, keeps the strings of the last round, and forgets those no round uses any more', () => {
    const strings = new StringCopies();
    const round = (values: string[]): string[] => {
      const out = values.map((v) => strings.copy(v));
      strings.endRound();
      return out;
    };
    assert.deepEqual(round(['GET', '/a', '/b', 'GET']), ['GET', '/a', '/b', 'GET']);
    assert.equal(strings.size, 3);
    // A route goes and another comes: the copies follow the values, not the last round's.
    assert.deepEqual(round(['GET', '/b', '/c']), ['GET', '/b', '/c']);
    assert.equal(strings.size, 3);
    assert.deepEqual(round(['POST']), ['POST']);
    assert.equal(strings.size, 1);
    assert.deepEqual(round([]), []);
    assert.equal(strings.size, 0);
  });
});

/**
 * Run in a mocha process of its own by keepShape.process.test.ts: in a process shared with other
 * tests, the optimised code also relies on the shapes of their objects, which die at a full
 * collection whatever is kept here.
 *
 * The code a collection round runs stays optimised through a full collection between rounds
 * (src/core/util/keepShape.ts). V8 throws optimised code away when a full collection finds dead a
 * map (hidden class) that code relied on, and the map of an object built field by field lives
 * only as long as some object that has it. These tests have V8 optimise a round's functions (its
 * test intrinsics, enabled for this process), run a full collection, and check that the functions
 * are still optimised; as the control, that the same collection throws them away once the kept
 * objects are dropped; and that what is kept holds nothing of the bodies it read.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SeriesCache, parseExposition } from '../../../../src/core/metrics/parser';
import { interpretHealth } from '../../../../src/core/collectors/health';
import { forgetShapes, keptShape } from '../../../../src/core/util/keepShape';
import { KeptHttp } from '../../../../src/core/util/keptHttp';
import { gc, isOptimised, optimise as optimiseAll, optimizationStatus } from '../../../helpers/v8Intrinsics';

const CORPUS = path.join(__dirname, '../../../fixtures/exposition');
const TEXT = fs.readFileSync(path.join(CORPUS, 'node-exporter-1.5.0.prom'), 'utf8');
const OPENMETRICS = fs.readFileSync(path.join(CORPUS, 'prom-client-15.1.3.om.txt'), 'utf8');
const HEALTH = JSON.stringify({ status: 'ok', checks: { database: { status: 'healthy', latencyMs: 2 } } });

type Method = [name: string, fn: unknown];

/** The named methods of the object kept under `key` (only the functions: no reference to it stays). */
function methodsOf(key: string, names: string[]): Method[] {
  const kept = keptShape(key) as Record<string, unknown> | undefined;
  assert.ok(kept, `nothing is kept under "${key}"`);
  return names.map((n) => [`${key}: ${n}`, kept[n]]);
}

function unoptimised(methods: Method[]): string[] {
  return methods.filter(([, f]) => !isOptimised(f)).map(([n]) => n);
}

/**
 * Has V8 optimise `methods`, which `work` calls, and returns those it did. The readers' `read` must
 * be among them. Another may stay unoptimised when earlier tests in this process gave V8 reasons
 * (feedback that deoptimises it at once): it then says nothing either way and is left out.
 */
async function optimise(methods: Method[], work: () => unknown): Promise<Method[]> {
  await optimiseAll(
    methods.map(([, f]) => f),
    work,
  );
  const status = methods.map(([n, f]) => `${n} ${optimizationStatus(f).toString(2)}`).join(', ');
  for (const [name] of methods.filter(([n]) => n.endsWith(': read')))
    assert.ok(!unoptimised(methods).includes(name), `V8 did not optimise ${name} (status: ${status})`);
  return methods.filter(([, f]) => isOptimised(f));
}

describe('keepShape: a round keeps its optimised code through full collections', () => {
  let server: http.Server;
  let url: string;
  const kept = new KeptHttp();
  const textCache = new SeriesCache();
  const openMetricsCache = new SeriesCache();
  const rounds = {
    text: () => parseExposition(TEXT, { contentType: 'text/plain; version=0.0.4', seriesCache: textCache }),
    openMetrics: () =>
      parseExposition(OPENMETRICS, {
        contentType: 'application/openmetrics-text; version=1.0.0',
        strict: true,
        seriesCache: openMetricsCache,
      }),
    http: async () => {
      const r = await kept.request(`${url}/metrics`);
      assert.ok(r.ok && r.value.body.length === Buffer.byteLength(TEXT));
    },
  };
  let methods: Method[] = [];

  before(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(TEXT);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (let i = 0; i < 20; i++) for (const round of Object.values(rounds)) await round();
    methods = [
      ...methodsOf('prometheus text reader', ['read']),
      ...methodsOf('openmetrics reader', ['read']),
      ...methodsOf('kept-socket exchange', ['onData']),
      ...methodsOf('http response reader', ['feed']),
    ];
    const all = async () => {
      for (const round of Object.values(rounds)) await round();
    };
    methods = await optimise(methods, all);
  });

  after(async () => {
    kept.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('parsers, HTTP exchanges and response readers stay optimised through two full collections', async () => {
    gc();
    gc();
    assert.deepEqual(unoptimised(methods), []);
    // And they keep working: a round after the collections gives the same families.
    assert.equal(rounds.text().families.length, parseExposition(TEXT, { contentType: 'text/plain' }).families.length);
  });

  it('keeps nothing of what it read: the last result and response body are collected once dropped', async () => {
    let families: WeakRef<object> | undefined;
    let body: WeakRef<object> | undefined;
    await (async () => {
      families = new WeakRef(rounds.text().families);
      const r = await kept.request(`${url}/metrics`);
      assert.ok(r.ok);
      body = new WeakRef(r.value.body);
    })();
    // Let the exchange's promise jobs finish before collecting.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    gc();
    assert.equal(families!.deref(), undefined, 'the kept reader still refers to its last result');
    assert.equal(body!.deref(), undefined, 'the kept exchange still refers to its last response body');
  });

  it('keeps no health answer larger than 64 KB', () => {
    const large = JSON.stringify({ status: 'ok', detail: 'x'.repeat(70 * 1024) });
    interpretHealth(200, 'application/json', HEALTH);
    const small = keptShape('health answer');
    interpretHealth(200, 'application/json', large);
    assert.equal(keptShape('health answer'), small);
  });

  // Last: it drops the kept readers (the next parse keeps one again).
  it('control: once the kept objects are dropped, the same collection throws the optimised code away', async () => {
    methods = await optimise(methods, async () => {
      for (const round of Object.values(rounds)) await round();
    });
    const readers = ['prometheus text reader', 'openmetrics reader'];
    forgetShapes(readers);
    gc();
    gc();
    const thrownAway = unoptimised(methods);
    for (const name of readers.map((r) => `${r}: read`))
      assert.ok(
        thrownAway.includes(name),
        `${name} stayed optimised without its kept reader: ${thrownAway.join(', ')}`,
      );
  });
});

import * as assert from 'node:assert/strict';
import type { HttpFn } from '../../../../src/core/collectors/health';
import { createAttachSession } from '../../../../src/core/session/session';
import type { AttachSession } from '../../../../src/core/session/session';
import { ManualClock } from '../../../../src/core/util/clock';
import { ok } from '../../../../src/core/util/result';

const ROUTES = 1000;
const LE = ['0.01', '0.1', '1', '+Inf'];

/** 7,000 series: a route label holding ids, per route a counter and a 4-bucket histogram with sum and count. */
function largeExposition(): Buffer {
  const lines = ['# TYPE http_requests_total counter'];
  for (let i = 0; i < ROUTES; i++)
    lines.push(`http_requests_total{method="GET",route="/users/${i}",status="200"} ${i}`);
  lines.push('# TYPE http_request_duration_seconds histogram');
  for (let i = 0; i < ROUTES; i++) {
    const labels = `method="GET",route="/users/${i}"`;
    LE.forEach((le, b) => lines.push(`http_request_duration_seconds_bucket{${labels},le="${le}"} ${i * (b + 1)}`));
    lines.push(
      `http_request_duration_seconds_sum{${labels}} ${i}`,
      `http_request_duration_seconds_count{${labels}} ${i * 4}`,
    );
  }
  lines.push('# TYPE db_pool_size gauge', 'db_pool_size 10', '# TYPE unrelated_gauge gauge', 'unrelated_gauge 1');
  return Buffer.from(lines.join('\n') + '\n');
}

describe('a long-running session keeps what it holds between rounds bounded', function () {
  this.timeout(300_000);
  let session: AttachSession | undefined;
  afterEach(async () => {
    await session?.stop();
    session = undefined;
  });

  it('holds the same samples, names, snapshots and deadline listeners after 150 rounds as after the second', async () => {
    const body = largeExposition();
    const health = Buffer.from('{"status":"healthy"}');
    let scrapes = 0;
    const http: HttpFn = (url, opts) => {
      assert.ok(opts?.signal, 'every request can be stopped at the deadline');
      if (url.endsWith('/metrics')) scrapes++;
      return Promise.resolve(
        ok(
          url.endsWith('/metrics')
            ? { status: 200, headers: { 'content-type': 'text/plain; version=0.0.4' }, body, elapsedMs: 1 }
            : { status: 200, headers: { 'content-type': 'application/json' }, body: health, elapsedMs: 1 },
        ),
      );
    };
    const clock = new ManualClock(Date.UTC(2026, 10, 1));
    const r = createAttachSession({
      target: 'http://127.0.0.1:9',
      intervalMs: 1000,
      clock,
      http,
      maxSeries: 5000,
      maxRoutes: 50,
      deps: {
        findPidByPort: () => Promise.resolve(ok(4242)),
        process: { usage: () => Promise.resolve({ cpu: 1, memory: 5e7 }), connections: () => Promise.resolve(3) },
        system: { collect: () => Promise.resolve(ok({ cpuPercent: 10, memUsedBytes: 1e9, memTotalBytes: 8e9 })) },
      },
    });
    assert.ok(r.ok);
    session = r.value;
    // A deadline far ahead: the listeners each round puts on it must go with the round.
    session.endBy(clock.now() + 10 * 24 * 3600_000);
    let snapshots = 0;
    session.onSnapshot(() => snapshots++);
    session.start();
    await session.whenIdle();
    const after: (typeof session.retained)[] = [];
    for (let round = 1; round <= 150; round++) {
      clock.advance(1000);
      await session.whenIdle();
      if (round === 2 || round === 150) after.push(session.retained);
    }
    assert.equal(snapshots, 151);
    assert.equal(scrapes, 151);
    const [early, late] = after as [typeof session.retained, typeof session.retained];
    assert.ok(early.series > 0 && early.series <= 5000, `series kept: ${early.series}`);
    assert.deepEqual(late, early);
    assert.equal(late.snapshots, 1);
    assert.equal(late.deadlineListeners, 0, 'no round leaves a listener on the deadline');
    // Only names some preset reads are kept for the next round; the unrelated gauge is not.
    assert.ok(late.sampleNames <= 6, `names kept: ${late.sampleNames}`);
    assert.ok(session.latest!.http!.routes.length <= 51);
  });
});

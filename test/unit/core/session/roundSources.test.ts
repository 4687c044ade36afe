import * as assert from 'node:assert/strict';
import { interpretHealth } from '../../../../src/core/collectors/health';
import { createAttachSession } from '../../../../src/core/session/session';
import type { AttachSession, AttachSessionOptions } from '../../../../src/core/session/session';
import { ManualClock } from '../../../../src/core/util/clock';
import { ok } from '../../../../src/core/util/result';
import type { HostileService } from '../../../helpers/hostile/index';
import { startHostileService } from '../../../helpers/hostile/index';

describe('a collection round: each source fails on its own', function () {
  this.timeout(60_000);
  let hostile: HostileService;
  let session: AttachSession | undefined;
  let clock: ManualClock;
  before(async () => {
    hostile = await startHostileService();
  });
  after(() => hostile.stop());
  beforeEach(() => {
    clock = new ManualClock(1_700_000_000_000);
  });
  afterEach(async () => {
    await session?.stop();
    session = undefined;
  });

  function attach(extra: Partial<AttachSessionOptions>): AttachSession {
    const r = createAttachSession({
      target: hostile.url,
      clock,
      collectProcess: false,
      collectSystem: false,
      metricsPath: '/metrics-small',
      ...extra,
    });
    assert.ok(r.ok, JSON.stringify(r));
    session = r.value;
    return session;
  }

  it('reads a health body 3,000 arrays deep without overflowing the stack, and the metrics still count', async () => {
    const s = attach({ healthPath: '/health-deep' });
    await s.collectOnce();
    clock.advance(1000);
    const snap = await s.collectOnce();
    assert.ok(snap.http, `metrics were fine, so rates are there: ${JSON.stringify(snap.errors)}`);
    assert.ok(snap.http.requestRate > 0);
    assert.ok(snap.health, JSON.stringify(snap.errors));
    assert.notEqual(snap.health.state, 'healthy');
    assert.match(snap.health.reasons.join(' '), /nested more than \d+ levels deep/);
  });

  it('reads health bodies nested to the body cap (hundreds of thousands of levels) and stringified details alike', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    for (const body of [
      `{"status":"ok","checks":${deep(400_000)}}`,
      `{"status":"ok","details":${deep(3000)}}`,
      `{"checks":{"db":{"status":"up","details":${deep(400_000)}}}}`,
      `{"checks":{"db":{"status":"down","extra":${deep(400_000)}}}}`,
    ]) {
      const h = interpretHealth(200, 'application/json', body);
      assert.ok(['healthy', 'degraded', 'down', 'unknown'].includes(h.state));
      for (const c of h.checks) assert.ok((c.detail ?? '').length <= 200, 'details stay one short line');
    }
  });

  it("turns an exception thrown by any source into that source's failure; the round and the other sources survive", async () => {
    const s = attach({
      healthPath: '/health-deep',
      collectSystem: true,
      deps: {
        system: {
          collect: () => {
            throw new RangeError('Maximum call stack size exceeded');
          },
        },
      },
    });
    // The system collector only runs for local targets: the hostile service is on 127.0.0.1.
    await s.collectOnce();
    clock.advance(1000);
    const snap = await s.collectOnce();
    assert.ok(snap.http, 'the scrape still counts');
    const sys = snap.errors.find((e) => e.source === 'system');
    assert.ok(sys, JSON.stringify(snap.errors));
    assert.match(sys.message, /^Measuring the machine failed: /);
    assert.match(sys.message, /Maximum call stack size exceeded/);
    assert.doesNotMatch(JSON.stringify(snap), /unexpected error/i);
  });

  it('emits a snapshot to listeners every round even when a source throws (the extension and watch see it)', async () => {
    const s = attach({
      collectSystem: true,
      deps: { system: { collect: () => Promise.reject(new Error('boom')) } },
    });
    const seen: number[] = [];
    s.onSnapshot((snap) => seen.push(snap.errors.length));
    s.start();
    await s.whenIdle();
    clock.advance(s.intervalMs);
    await s.whenIdle();
    assert.equal(seen.length, 2);
  });

  it('a health endpoint that never answers costs the round only its timeout: the scrape is in the snapshot, health says why', async () => {
    const s = attach({ healthPath: '/hang', scrapeTimeoutMs: 400 });
    await s.collectOnce();
    clock.advance(1000);
    const snap = await s.collectOnce();
    assert.ok(snap.http, JSON.stringify(snap.errors));
    assert.ok(snap.http.requestRate > 0, 'rates from two scrapes');
    assert.equal(snap.health?.state, 'down');
    assert.match(snap.health.reasons.join(' '), /\/hang did not answer within 400 ms\./);
  });

  it('a process read that fails is reported with its message while the scrape, health and system still count', async () => {
    const s = attach({
      healthPath: '/health-json-ok-errors-zero',
      collectProcess: true,
      collectSystem: true,
      deps: {
        findPidByPort: () => Promise.resolve(ok(process.pid)),
        process: { usage: () => Promise.reject(new Error('read /proc/1/stat: EIO')) },
        system: { collect: () => Promise.resolve(ok({ cpuPercent: 10, memUsedBytes: 1e9, memTotalBytes: 8e9 })) },
      },
    });
    const snap = await s.collectOnce();
    const failure = snap.errors.find((e) => e.source === 'process');
    assert.ok(failure, JSON.stringify(snap.errors));
    assert.equal(failure.message, `Could not read CPU and memory of process ${process.pid}: read /proc/1/stat: EIO`);
    assert.equal(snap.errors.length, 1, JSON.stringify(snap.errors));
    assert.ok(snap.presets?.httpRequests, 'the scrape was read');
    assert.equal(snap.health?.state, 'healthy');
    assert.equal(snap.system?.cpuPercent, 10);
  });
});

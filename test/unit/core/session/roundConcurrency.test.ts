import * as assert from 'node:assert/strict';
import { createAttachSession } from '../../../../src/core/session/session';
import type { AttachSession, AttachSessionOptions } from '../../../../src/core/session/session';
import { ManualClock } from '../../../../src/core/util/clock';
import { ok } from '../../../../src/core/util/result';
import type { HostileService } from '../../../helpers/hostile/index';
import { startHostileService } from '../../../helpers/hostile/index';

describe("a collection round's sources run side by side", function () {
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
      metricsPath: '/metrics-small',
      healthPath: '/health-json-ok-errors-zero',
      ...extra,
      deps: { findPidByPort: () => Promise.resolve(ok(process.pid)), ...extra.deps },
    });
    assert.ok(r.ok, JSON.stringify(r));
    session = r.value;
    return session;
  }

  it('a health endpoint that never answers costs the round only its timeout: the scrape is in the snapshot, health says why', async () => {
    const s = attach({ healthPath: '/hang', scrapeTimeoutMs: 400, collectProcess: false, collectSystem: false });
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
      deps: {
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

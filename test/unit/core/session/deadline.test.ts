import * as assert from 'node:assert/strict';
import { createAttachSession } from '../../../../src/core/session/session';
import type { AttachSession } from '../../../../src/core/session/session';
import { ManualClock } from '../../../../src/core/util/clock';
import type { HostileService } from '../../../helpers/hostile/index';
import { startHostileService } from '../../../helpers/hostile/index';
import { HangObserver } from '../../../helpers/hostile/round';

describe('a session deadline (endBy): requests in flight are aborted, whatever their timeout', function () {
  this.timeout(60_000);
  let hostile: HostileService;
  let hangs: HangObserver;
  let session: AttachSession | undefined;
  beforeEach(async () => {
    hangs = new HangObserver();
    hostile = await startHostileService({
      '/hang-metrics': hangs.route('metrics'),
      '/hang-health': hangs.route('health'),
    });
  });
  afterEach(async () => {
    await session?.stop();
    session = undefined;
    await hostile.stop();
  });

  it('ends the round at the deadline with the scrape and the health each failing, and closes their sockets', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    // A timeout far beyond the test's own: only the deadline can end these requests.
    const r = createAttachSession({
      target: hostile.url,
      clock,
      metricsPath: '/hang-metrics',
      healthPath: '/hang-health',
      scrapeTimeoutMs: 600_000,
      collectProcess: false,
      collectSystem: false,
    });
    assert.ok(r.ok);
    session = r.value;
    session.endBy(clock.now() + 5000);
    const round = session.collectOnce();
    await hangs.until(() => hangs.open.size === 2);
    clock.advance(5000);
    const snap = await round;
    const bySource = Object.fromEntries(snap.errors.map((e) => [e.source, e]));
    assert.equal(bySource.scrape?.kind, 'aborted', JSON.stringify(snap.errors));
    assert.equal(bySource.health?.kind, 'aborted', JSON.stringify(snap.errors));
    assert.match(bySource.scrape!.message, /hang-metrics had not answered when the collection window ended/);
    assert.match(bySource.health!.message, /hang-health had not answered when the collection window ended/);
    assert.equal(snap.health, undefined, "a request that was stopped says nothing about the service's health");
    await hangs.until(() => hangs.open.size === 0);
  });

  it('gives up on an OS collector that never returns, at the deadline', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const r = createAttachSession({
      target: hostile.url,
      clock,
      metricsPath: '/metrics-small',
      healthPath: '/health-deep',
      collectProcess: false,
      deps: { system: { collect: () => new Promise(() => undefined) } },
    });
    assert.ok(r.ok);
    session = r.value;
    session.endBy(clock.now() + 1000);
    const round = session.collectOnce();
    // The scrape and health answer at once; the system collector never does.
    await new Promise<void>((resolve) => setImmediate(resolve));
    clock.advance(1000);
    const snap = await round;
    const sys = snap.errors.find((e) => e.source === 'system');
    assert.equal(sys?.kind, 'aborted', JSON.stringify(snap.errors));
    assert.match(sys!.message, /had not finished when the collection window ended/);
  });
});

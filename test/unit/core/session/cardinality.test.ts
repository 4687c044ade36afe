import * as assert from 'node:assert/strict';
import { capSeries } from '../../../../src/core/metrics/cardinality';
import type { MetricFamily } from '../../../../src/core/metrics/types';
import { createAttachSession } from '../../../../src/core/session/session';
import type { AttachSession } from '../../../../src/core/session/session';
import type { Snapshot } from '../../../../src/core/session/types';
import { ManualClock } from '../../../../src/core/util/clock';
import type { HostileService } from '../../../helpers/hostile/index';
import { startHostileService } from '../../../helpers/hostile/index';
import { EXPLODED_FAMILY, SERIES_100K_ROUTES } from '../../../helpers/hostile/round';

describe('100,000 series: what a session keeps per round is bounded, and the cap names the family', function () {
  this.timeout(180_000);
  let hostile: HostileService;
  let session: AttachSession | undefined;
  before(async () => {
    hostile = await startHostileService();
  });
  after(async () => {
    await session?.stop();
    await hostile.stop();
  });

  it('keeps the same number of series after every round, and each snapshot holds a bounded number of routes', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const r = createAttachSession({
      target: hostile.url,
      clock,
      metricsPath: '/series-100k',
      healthPath: '/health-deep',
      collectProcess: false,
      collectSystem: false,
    });
    assert.ok(r.ok);
    session = r.value;
    const retained: number[] = [];
    const snaps: Snapshot[] = [];
    for (let i = 0; i < 5; i++) {
      snaps.push(await session.collectOnce());
      retained.push(session.retainedSeries);
      clock.advance(1000);
    }
    // The previous scrape is all a session keeps between rounds: capped, and the same every round.
    assert.ok(retained[0]! > 0 && retained[0]! <= 50_000, `retained ${retained[0]}`);
    assert.deepEqual(new Set(retained).size, 1, `retained per round: ${retained.join(', ')}`);
    // Each snapshot's share does not depend on the series count: at most the route limit, plus "(other routes)".
    const withHttp = snaps.filter((s) => s.http);
    assert.equal(withHttp.length, 4);
    for (const s of withHttp) {
      assert.ok(s.http!.routes.length <= 201, `routes in a snapshot: ${s.http!.routes.length}`);
      assert.ok((s.histograms ?? []).length <= 202, `histograms in a snapshot: ${s.histograms?.length}`);
      assert.ok(s.http!.routes.some((x) => x.route === '(other routes)'));
    }
    assert.deepEqual(
      withHttp.map((s) => s.http!.routes.length),
      withHttp.map(() => withHttp[0]!.http!.routes.length),
    );
    const last = snaps.at(-1)!;
    const cap = last.errors.find((e) => e.kind === 'cardinality');
    assert.ok(cap, JSON.stringify(last.errors));
    assert.match(cap.message, new RegExp(`${EXPLODED_FAMILY} \\(93,324 series`));
    assert.match(cap.message, /50,000/);
    assert.match(cap.message, /--max-series/);
    assert.match(cap.message, /perflens\.maxSeriesPerScrape/);
    const routes = last.errors.find((e) => e.kind === 'routes');
    assert.ok(routes, JSON.stringify(last.errors));
    assert.match(routes.message, /--max-routes/);
    assert.ok(SERIES_100K_ROUTES > 200);
  });

  it('cuts the largest families first, keeps small ones whole, and never splits a histogram series', () => {
    const hist = (name: string, n: number): MetricFamily => ({
      name,
      type: 'histogram',
      samples: Array.from({ length: n }, (_, i) => [
        ...['0.1', '+Inf'].map((le) => ({ name: `${name}_bucket`, labels: { id: String(i), le }, value: 1 })),
        { name: `${name}_sum`, labels: { id: String(i) }, value: 1 },
        { name: `${name}_count`, labels: { id: String(i) }, value: 1 },
      ]).flat(),
    });
    const gauge = (name: string, n: number): MetricFamily => ({
      name,
      type: 'gauge',
      samples: Array.from({ length: n }, (_, i) => ({ name, labels: { id: String(i) }, value: i })),
    });
    const { families, cut } = capSeries([gauge('small', 5), hist('big_seconds', 100), gauge('wide', 60)], 50);
    const kept = Object.fromEntries(families.map((f) => [f.name, f.samples.length]));
    assert.equal(kept.small, 5);
    assert.ok(kept.big_seconds! % 4 === 0, 'whole histogram series only');
    assert.ok(kept.small! + kept.big_seconds! + kept.wide! <= 50);
    assert.deepEqual(
      cut?.families.map((f) => f.name),
      ['big_seconds', 'wide'],
    );
    assert.equal(cut?.total, 465);
    assert.equal(capSeries([gauge('small', 5)], 50).cut, undefined);
  });
});

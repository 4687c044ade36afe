import * as assert from 'node:assert/strict';
import { AlertEngine } from '../../../../../src/core/analyzers/alerts/engine';
import { InMemoryAlertHistory } from '../../../../../src/core/analyzers/alerts/history';
import { defaultAlertRules } from '../../../../../src/core/analyzers/alerts/rules';
import type { AlertEvent, AlertRule } from '../../../../../src/core/analyzers/alerts/types';
import { ManualClock } from '../../../../../src/core/util/clock';
import type { SnapshotBody } from '../simulate';
import { MB, simulate } from '../simulate';

const T0 = Date.UTC(2026, 0, 1);
const sec = (e: AlertEvent) => (e.at - T0) / 1000;

/** Error-rate history at 5 s intervals; `rate(s)` gives the error rate at second s (undefined: no HTTP data). */
function errorRateRun(engine: AlertEngine, seconds: number, rate: (s: number) => number | undefined): AlertEvent[] {
  const events: AlertEvent[] = [];
  engine.onEvent((e) => events.push(e));
  simulate({
    clock: new ManualClock(T0),
    intervalMs: 5000,
    count: seconds / 5,
    make: (_i, t): SnapshotBody => {
      const r = rate((t - T0) / 1000);
      return r === undefined
        ? { errors: [{ source: 'scrape', kind: 'timeout', message: 'no answer' }] }
        : { http: { requestRate: 10, errorRate: r, routes: [] } };
    },
    onSnapshot: (s) => engine.evaluate(s),
  });
  return events;
}

const errorRule = () =>
  defaultAlertRules({}, { forMs: 30_000, keepFiringForMs: 60_000 }).filter((r) => r.id === 'errorRate');

describe('alerts: Prometheus state machine', () => {
  it('goes inactive → pending → firing after `for`, keeps firing for keep_firing_for, then resolves', () => {
    const engine = new AlertEngine(errorRule());
    const states: string[] = [];
    engine.onFiring(() =>
      states.push(
        engine
          .firing()
          .map((a) => a.state)
          .join(),
      ),
    );
    // Bad from 10 s to 100 s (exclusive), then fine.
    const events = errorRateRun(engine, 300, (s) => (s >= 10 && s < 100 ? 0.2 : 0.01));
    assert.deepEqual(
      events.map((e) => [e.type, sec(e)]),
      [
        ['firing', 40],
        ['resolved', 160],
      ],
    );
    const [firing, resolved] = events as [AlertEvent, AlertEvent];
    assert.equal(firing.activeAt, T0 + 10_000);
    assert.equal(firing.severity, 'critical');
    assert.equal(firing.value, 0.2);
    assert.match(firing.message, /High error rate: 20\.0% > 5\.0% for 30 s/);
    assert.equal(resolved.firedAt, T0 + 40_000);
    assert.deepEqual(states, ['firing']);
    assert.deepEqual(engine.status(), []);
  });

  it('a flapping metric never fires: pending is dropped each time the condition clears', () => {
    const engine = new AlertEngine(errorRule());
    const events = errorRateRun(engine, 600, (s) => (Math.floor(s / 5) % 2 === 0 ? 0.5 : 0));
    assert.deepEqual(events, []);
  });

  it('a flapping metric does not make a firing alert flap', () => {
    const engine = new AlertEngine(errorRule());
    // Solidly bad for a minute, then alternating every 5 s for 5 minutes, then fine.
    const events = errorRateRun(engine, 600, (s) =>
      s < 60 ? 0.3 : s < 360 ? (Math.floor(s / 5) % 2 === 0 ? 0.3 : 0) : 0,
    );
    assert.deepEqual(
      events.map((e) => [e.type, sec(e)]),
      [
        ['firing', 35],
        ['resolved', 415],
      ],
    );
  });

  it('a gap in data shorter than keep_firing_for keeps firing; a longer one resolves', () => {
    const short = new AlertEngine(errorRule());
    const e1 = errorRateRun(short, 200, (s) => (s >= 90 && s < 130 ? undefined : 0.3));
    assert.deepEqual(
      e1.map((e) => [e.type, sec(e)]),
      [['firing', 35]],
    );
    const long = new AlertEngine(errorRule());
    const e2 = errorRateRun(long, 300, (s) => (s >= 90 && s < 200 ? undefined : 0.3));
    // No data from 90 s: keep firing until 150 s, resolved; data returns at 200 s, pending again, fires at 230 s.
    assert.deepEqual(
      e2.map((e) => [e.type, sec(e)]),
      [
        ['firing', 35],
        ['resolved', 150],
        ['firing', 230],
      ],
    );
  });

  it('with for = 0 fires on the first bad evaluation; without keep_firing_for resolves on the first good one', () => {
    const engine = new AlertEngine(
      defaultAlertRules({}, { forMs: 0, keepFiringForMs: 0 }).filter((r) => r.id === 'errorRate'),
    );
    const events = errorRateRun(engine, 60, (s) => (s === 20 ? 0.9 : 0));
    assert.deepEqual(
      events.map((e) => [e.type, sec(e)]),
      [
        ['firing', 20],
        ['resolved', 25],
      ],
    );
  });

  it('records events in the history and evaluates the memory, CPU and latency rules', async () => {
    const history = new InMemoryAlertHistory();
    const engine = new AlertEngine(defaultAlertRules({ maxMemoryMb: 1000 }, { forMs: 10_000, keepFiringForMs: 0 }), {
      history,
    });
    simulate({
      clock: new ManualClock(T0),
      intervalMs: 5000,
      count: 12,
      make: (i) => ({
        http: { requestRate: 5, errorRate: 0, p95Ms: i < 6 ? 1500 : 100, routes: [] },
        process: { pid: 1, cpuPercent: 95, rssBytes: 900 * MB },
      }),
      onSnapshot: (s) => engine.evaluate(s),
    });
    await engine.flush();
    const got = (await history.list()).map((e) => `${e.type}:${e.ruleId}@${sec(e)}`);
    assert.deepEqual(got, ['firing:responseTime@15', 'firing:memory@15', 'firing:cpu@15', 'resolved:responseTime@35']);
    assert.deepEqual(
      engine
        .firing()
        .map((a) => a.ruleId)
        .sort(),
      ['cpu', 'memory'],
    );
    assert.equal((await history.list({ since: T0 + 20_000 })).length, 1);
  });

  it('keeps one alert per label set for rules that yield several values', () => {
    const perRoute: AlertRule = {
      id: 'routeLatency',
      name: 'Slow route',
      severity: 'warning',
      op: '>',
      threshold: 1,
      forMs: 0,
      keepFiringForMs: 0,
      read: (s) => (s.http?.routes ?? []).map((r) => ({ labels: { route: r.route }, value: (r.p95Ms ?? 0) / 1000 })),
      format: (v) => `${v} s`,
    };
    const engine = new AlertEngine([perRoute]);
    const events: AlertEvent[] = [];
    engine.onEvent((e) => events.push(e));
    simulate({
      clock: new ManualClock(T0),
      intervalMs: 1000,
      count: 3,
      make: (i) => ({
        http: {
          requestRate: 1,
          errorRate: 0,
          routes: [
            { route: '/a', requestRate: 1, errorRate: 0, p95Ms: 2000 },
            { route: '/b', requestRate: 1, errorRate: 0, p95Ms: i === 0 ? 2000 : 10 },
          ],
        },
      }),
      onSnapshot: (s) => engine.evaluate(s),
    });
    assert.deepEqual(
      events.map((e) => `${e.type}:${e.labels.route}`),
      ['firing:/a', 'firing:/b', 'resolved:/b'],
    );
    assert.match(events[0]!.message, /Slow route \(route=\/a\)/);
  });

  it('reports a failing handler without stopping alerting', async () => {
    const engine = new AlertEngine(
      defaultAlertRules({}, { forMs: 0 }).filter((r) => r.id === 'errorRate'),
      {
        handlers: [{ name: 'broken', handle: () => Promise.reject(new Error('boom')) }],
      },
    );
    const errors: string[] = [];
    engine.onDeliveryError((d) => errors.push(`${d.handler}: ${d.message}`));
    errorRateRun(engine, 10, () => 1);
    await engine.flush();
    assert.deepEqual(errors, ['broken: boom']);
    assert.equal((await engine.history.list()).length, 1);
  });
});

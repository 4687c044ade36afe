import * as assert from 'node:assert/strict';
import { AlertEngine } from '../../../../src/core/analyzers/alerts/engine';
import { parseBudget } from '../../../../src/core/analyzers/budget';
import { evaluatePrometheusBudget, instanceAlertRules } from '../../../../src/core/prometheus/judge';
import type { InstanceStats, Snapshot } from '../../../../src/core/session/types';
import { httpStats, snapshot } from '../../../helpers/builders';

const MB = 1024 * 1024;
const T = Date.UTC(2026, 10, 27, 12, 0, 0);

function snap(time: number, instances: InstanceStats[], p95Ms = 200): Snapshot {
  return snapshot({
    targetId: 'prometheus:x',
    time,
    instances,
    http: httpStats({ requestRate: 20, errorRate: 0.01, p95Ms }),
  });
}

function rules(text: string) {
  const r = parseBudget(text);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

describe('budgets and alerts over Prometheus snapshots', () => {
  it('judges latency on the window summary and memory on the worst instance at its peak', () => {
    const history = [
      snap(T - 20_000, [
        { instance: 'a:1', up: true, rssBytes: 300 * MB },
        { instance: 'b:1', up: true, rssBytes: 100 * MB },
      ]),
      snap(T - 10_000, [
        { instance: 'a:1', up: true, rssBytes: 200 * MB },
        { instance: 'b:1', up: true, rssBytes: 150 * MB },
      ]),
    ];
    const summary = snap(
      T,
      [
        { instance: 'a:1', up: true, rssBytes: 210 * MB, cpuPercent: 20 },
        { instance: 'b:1', up: true, rssBytes: 160 * MB, cpuPercent: 90 },
      ],
      350,
    );
    const results = evaluatePrometheusBudget(rules('p95<300ms,rss<256MB,cpu<80,heap<1GB'), summary, history);
    assert.deepEqual(
      results.map((r) => [r.rule.metric, r.status, r.actual]),
      [
        ['p95', 'fail', 350],
        ['rss', 'fail', 300 * MB],
        ['cpu', 'fail', 90],
        ['heap', 'no-data', undefined],
      ],
    );
    assert.match(results[1]!.message, /peak RSS 300 MB on a:1, budget < 256 MB/);
    assert.match(results[2]!.message, /mean CPU 90\.0% on b:1/);
    assert.match(results[3]!.message, /no instance exposed it/);
  });

  it('fires memory and "instance down" per instance, each resolving on its own', () => {
    const engine = new AlertEngine(instanceAlertRules({ maxMemoryMb: 1000 }, { forMs: 10_000, keepFiringForMs: 0 }));
    const point = (t: number, aRss: number, bUp: boolean) =>
      snap(T + t, [
        { instance: 'a:1', up: true, rssBytes: aRss * MB },
        { instance: 'b:1', up: bUp, rssBytes: 100 * MB },
      ]);
    const events = [
      point(0, 900, true),
      point(10_000, 900, false),
      point(20_000, 900, false),
      point(30_000, 500, true),
    ].flatMap((s) => engine.evaluate(s).map((e) => `${e.type} ${e.name} ${e.labels.instance}`));
    assert.deepEqual(events, [
      'firing High memory usage a:1',
      'firing Instance down b:1',
      'resolved High memory usage a:1',
      'resolved Instance down b:1',
    ]);
  });
});

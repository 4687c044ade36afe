import * as assert from 'node:assert/strict';
import type { Snapshot } from '../../../../src/core/session/types';
import type { TargetState } from '../../../../src/extension/live/liveMonitor';
import { headlineOf, statusBarView } from '../../../../src/extension/statusBar/statusBarModel';
import { escapeMarkdown } from '../../../../src/extension/reports/markdown';
import { httpStats, snapshot, targetState } from '../../../helpers/builders';

const HOSTILE = '<img src=x onerror=alert(1)>';

function state(label: string, over: Partial<Snapshot> = {}): TargetState {
  return targetState(
    snapshot({
      targetId: label,
      time: 1,
      http: httpStats({ requestRate: 12.34, errorRate: 0.01, p95Ms: 42 }),
      process: { pid: 1, cpuPercent: 12.5, rssBytes: 150 * 1048576 },
      health: { state: 'healthy', reasons: [], checks: [] },
      ...over,
    }),
  );
}

describe('statusBarView', () => {
  it('says not attached when there is no target', () => {
    const v = statusBarView([], 'p95');
    assert.equal(v.text, '$(pulse) PerfLens: not attached');
    assert.equal(v.background, undefined);
  });

  it('shows a healthy target with its p95, or its request rate, as the headline', () => {
    const t = state('127.0.0.1:3100');
    assert.equal(statusBarView([t], 'p95').text, '$(pass-filled) PerfLens: 127.0.0.1:3100 healthy · p95 42 ms');
    assert.equal(
      statusBarView([t], 'requestRate').text,
      '$(pass-filled) PerfLens: 127.0.0.1:3100 healthy · 12.3 req/s',
    );
    assert.equal(headlineOf({ ...t, latest: undefined }, 'p95'), undefined);
  });

  it('shows the worst of several targets, on a warning or error background, and lists all in the tooltip', () => {
    const ok = state('a:1');
    const degraded = state('b:2', {
      health: {
        state: 'degraded',
        reasons: ['pool busy'],
        checks: [{ name: 'database', status: 'degraded', detail: 'queueing' }],
      },
    });
    const v = statusBarView([ok, degraded], 'p95');
    assert.match(v.text, /^\$\(warning\) PerfLens: b:2 degraded · p95 42 ms \(\+1\)$/);
    assert.equal(v.background, 'statusBarItem.warningBackground');
    assert.ok(v.tooltip.indexOf('b:2') < v.tooltip.indexOf('a:1'), 'worst first');
    assert.match(v.tooltip, /database: degraded \(queueing\)/);
    const down = state('c:3', { health: { state: 'down', reasons: ['db down'], checks: [] } });
    assert.equal(statusBarView([ok, degraded, down], 'p95').background, 'statusBarItem.errorBackground');
  });

  it('puts p95, req/s, error rate, CPU and memory in the tooltip', () => {
    const v = statusBarView([state('a:1')], 'p95');
    assert.match(v.tooltip, /\| 42 ms \| 12\.3\/s \| 1\.00% \| 12\.5% \| 150 MB \|/);
  });

  it('escapes service strings so HTML and Markdown in check names stay text', () => {
    const t = state('a:1', {
      health: {
        state: 'degraded',
        reasons: [],
        checks: [{ name: HOSTILE, status: 'down', detail: '**bold** [link](command:x)' }],
      },
    });
    const v = statusBarView([t], 'p95');
    assert.ok(!v.tooltip.includes('<img'), v.tooltip);
    assert.ok(v.tooltip.includes('&lt;img src=x onerror=alert\\(1\\)&gt;'));
    assert.ok(v.tooltip.includes('\\*\\*bold\\*\\* \\[link\\]\\(command:x\\)'));
    assert.equal(escapeMarkdown('$(zap) `x`'), '\\$\\(zap\\) \\`x\\`');
  });

  it('says paused when monitoring is off', () => {
    assert.match(statusBarView([state('a:1')], 'p95', false).text, /healthy paused/);
  });
});

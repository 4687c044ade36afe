import * as assert from 'node:assert/strict';
import { analyzeSnapshots } from '../../../../src/core/analyzers/analyze';
import type { Snapshot } from '../../../../src/core/session/types';
import { openHistoryStore } from '../../../../src/core/store';
import { ManualClock } from '../../../../src/core/util/clock';
import type { TargetState } from '../../../../src/extension/live/liveMonitor';
import { buildDashboardData } from '../../../../src/extension/panels/dashboardData';
import { diagnoseMarkdown, rankForDiagnosis } from '../../../../src/extension/reports/diagnoseMarkdown';
import { reportHtml } from '../../../../src/extension/reports/reportHtml';
import { prng } from '../../../../examples/demo-service/src/random';
import { targetState } from '../../../helpers/builders';
import { syntheticSnapshot } from '../helpers/syntheticHistory';

const HOSTILE = '<img src=x onerror=alert(1)>';
const NOW = Date.UTC(2026, 10, 27, 12);

/** Ten minutes of a service whose database queries are slow and whose p95 is over a second. */
function slowService(): Snapshot[] {
  const rnd = prng(11);
  return Array.from({ length: 120 }, (_, i) => {
    const s = syntheticSnapshot(
      NOW - (119 - i) * 5000,
      5,
      { targetId: 'svc', routeNames: [HOSTILE, '/api/workspaces'], checkNames: [HOSTILE] },
      rnd,
    );
    s.http!.p95Ms = 1800;
    s.http!.routes[0]!.p95Ms = 2400;
    s.queries = [
      {
        query: 'SELECT * FROM entities WHERE workspace_id = ?',
        statement: 'entities_by_workspace',
        rate: 20,
        avgMs: 700,
        p95Ms: 900,
      },
    ];
    return s;
  });
}

function stateOf(window: Snapshot[]): TargetState {
  const latest = window[window.length - 1]!;
  return targetState(latest, { label: `svc ${HOSTILE}`, findings: analyzeSnapshots(window), window });
}

describe('diagnoseMarkdown', () => {
  it('ranks the causes of slow responses first, in the guide order, with evidence and what to do', () => {
    const state = stateOf(slowService());
    const ranked = rankForDiagnosis(state.findings);
    assert.equal(ranked[0]!.analyzer, 'bottleneck');
    assert.equal(ranked[0]!.id, 'bottleneck.database', ranked.map((f) => f.id).join(', '));
    const md = diagnoseMarkdown([state], NOW);
    assert.match(md, /^# PerfLens: why are responses slow\?/);
    assert.match(md, /### 1\. Slow responses, likely cause #1: /);
    assert.ok(md.indexOf('**Evidence:**') > 0 && md.indexOf('**What to do:**') > 0);
  });

  it('escapes service strings (route names, labels) so they stay text', () => {
    const md = diagnoseMarkdown([stateOf(slowService())], NOW);
    assert.ok(!md.includes('<img'), md);
    assert.ok(md.includes('&lt;img src=x onerror=alert\\(1\\)&gt;'));
  });

  it('says what to do when not attached, and when nothing is slow', () => {
    assert.match(diagnoseMarkdown([], NOW), /not attached/);
    const rnd = prng(1);
    const calm = Array.from({ length: 20 }, (_, i) =>
      syntheticSnapshot(NOW - (19 - i) * 5000, 5, { targetId: 'svc' }, rnd),
    );
    assert.match(diagnoseMarkdown([stateOf(calm)], NOW), /\*\*No cause found:\*\*|### 1\./);
  });
});

describe('reportHtml', () => {
  it('is a self-contained page with every chart as SVG, no script, and service strings escaped', async () => {
    const r = await openHistoryStore({ clock: new ManualClock(NOW) });
    assert.ok(r.ok);
    const window = slowService();
    for (const s of window) r.value.recordSnapshot(s);
    const data = buildDashboardData({
      targetId: 'svc',
      label: `svc ${HOSTILE}`,
      range: '15m',
      now: NOW,
      state: stateOf(window),
      store: r.value,
    });
    const html = reportHtml(data, NOW);
    await r.value.close();
    assert.equal((html.match(/<svg /g) ?? []).length, 8 + (data.forecast ? 1 : 0));
    assert.ok((html.match(/<polyline /g) ?? []).length >= 12);
    assert.ok(!/<script/i.test(html));
    assert.ok(!html.includes('<img'), 'no element from a service string');
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
    assert.ok(html.includes('Slow responses, likely cause #1'));
  });
});

/** The human-readable `report --prometheus` text, from a report built by hand. */
import * as assert from 'node:assert/strict';
import { parseArgs } from '../../../../src/cli/args';
import {
  formatPrometheusReport,
  prometheusTargetFromFlags,
  wantsPrometheus,
} from '../../../../src/cli/commands/prometheus';
import { terminalText } from '../../../../src/cli/io';
import type { PrometheusReport } from '../../../../src/core/prometheus/report';
import { snapshot } from '../../../helpers/builders';

const T = Date.UTC(2026, 10, 27, 12, 0, 0);

function report(): PrometheusReport {
  return {
    server: { url: 'http://127.0.0.1:9090', version: '2.42.0' },
    selector: 'job="api"',
    window: { from: T - 300_000, to: T },
    scrapeIntervalSeconds: 15,
    historyStepSeconds: 5,
    history: [],
    summary: snapshot({
      targetId: 'prometheus:x',
      time: T,
      health: {
        state: 'degraded',
        reasons: ["Instance b:1 is down: the Prometheus server's last scrape of it failed (up == 0)."],
        checks: [],
      },
      http: {
        requestRate: 12.5,
        errorRate: 0.02,
        p95Ms: 240,
        routes: [{ route: '/orders', method: 'POST', requestRate: 12.5, errorRate: 0.02, p95Ms: 240 }],
      },
      instances: [
        {
          instance: 'a:1',
          up: true,
          requestRate: 12.5,
          errorRate: 0.02,
          p95Ms: 240,
          cpuPercent: 35,
          rssBytes: 200 * 1048576,
        },
        { instance: 'b:1', up: false },
      ],
      pools: [{ name: 'a:1', size: 10, active: 10, pending: 3 }],
      serverAlerts: [
        {
          name: 'OrdersSlow',
          state: 'firing',
          labels: { alertname: 'OrdersSlow', job: 'api' },
          annotations: { summary: 'p95 \u001b[2Jover budget' },
          activeAt: T - 60_000,
          matchesTarget: true,
        },
        {
          name: 'DiskFull',
          state: 'pending',
          labels: { alertname: 'DiskFull', job: 'node' },
          annotations: {},
          matchesTarget: false,
        },
      ],
      errors: [{ source: 'prometheus', kind: 'timeout', message: 'Prometheus gave up on the query x' }],
    }),
  };
}

describe('report --prometheus text', () => {
  it('shows the window, health reasons, routes, instances (down ones too), pools, alerts and what was not read', () => {
    const text = terminalText(formatPrometheusReport(report()));
    const lines = text.split('\n');
    assert.equal(lines[0], 'Prometheus http://127.0.0.1:9090 (2.42.0)  {job="api"}');
    assert.equal(lines[1], 'Window 11:55:00–12:00:00 UTC (300 s), scraped every 15 s; health degraded');
    assert.match(text, /Instance b:1 is down/);
    assert.match(text, /POST \/orders +12\.5\/s +2\.0% +— +— +240 ms/);
    assert.match(text, /a:1 +up +12\.5\/s +2\.0% +240 ms +35\.0% +200 MB/);
    assert.match(text, /b:1 +DOWN +— +— +— +— +—/);
    assert.match(text, /FIRING {2}OrdersSlow \{job="api"\} since 11:59:00: p95 \\u001b\[2Jover budget/);
    assert.match(text, /PENDING DiskFull \{job="node"\} \(other service\)/);
    assert.match(text, /Not read:\n {2}timeout: Prometheus gave up/);
    assert.ok(!text.includes('\u001b'), 'no escape character reaches the terminal');
  });

  it('reads the target from flags and refuses --url with --prometheus', () => {
    const spec = { valued: ['prometheus', 'selector', 'query-timeout', 'url', 'duration'], boolean: ['allow-remote'] };
    const p = parseArgs(
      ['--prometheus', 'http://localhost:9090/', '--selector', 'job="api"', '--query-timeout', '3s'],
      spec,
    );
    assert.equal(wantsPrometheus(p), true);
    const t = prometheusTargetFromFlags(p, { env: { PERFLENS_PROMETHEUS_TOKEN: 'tok' } });
    assert.deepEqual(t, {
      kind: 'prometheus',
      serverUrl: 'http://localhost:9090',
      selector: 'job="api"',
      matchers: [{ name: 'job', op: '=', value: 'api' }],
      auth: { kind: 'bearer', token: 'tok' },
      queryTimeoutMs: 3000,
      connect: { kind: 'loopbackOnly' },
    });
    assert.equal(wantsPrometheus(parseArgs(['--url', 'http://localhost:3000'], spec)), false);
    assert.throws(
      () => wantsPrometheus(parseArgs(['--prometheus', 'http://x', '--url', 'http://y'], spec)),
      /either --url/,
    );
    assert.throws(
      () => wantsPrometheus(parseArgs(['--selector', 'job="a"'], spec)),
      /--selector goes with --prometheus/,
    );
    assert.throws(
      () => prometheusTargetFromFlags(parseArgs(['--prometheus', 'http://localhost:9090'], spec), { env: {} }),
      /needs --selector/,
    );
  });
});

import * as assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main';
import type { AlertEvent } from '../../../src/core/analyzers/alerts/types';
import type { DemoHandle } from '../../helpers/demoService';
import { startDemoService } from '../../helpers/demoService';
import { WebhookReceiver, capture, runCliAndInterrupt, startLoad } from './liveHelpers';

interface CheckJson {
  passed: boolean;
  snapshots: number;
  budget: { clause: string; metric: string; status: string; actual?: number; message: string }[];
  alerts: { events: AlertEvent[]; firing: unknown[] };
}

describe('cli: perflens check (real demo service)', function () {
  this.timeout(60_000);
  let demo: DemoHandle | undefined;
  let receiver: WebhookReceiver | undefined;
  before(async () => {
    demo = await startDemoService({});
  });
  after(async () => {
    await demo?.stop();
  });
  afterEach(async () => {
    await receiver?.stop();
    receiver = undefined;
    await demo?.setFaults({ errorRate: 0, latencyMs: 0 });
  });

  it('an alert fires and resolves as the error rate rises and falls; the broken budget exits 1', async () => {
    receiver = new WebhookReceiver();
    const hook = await receiver.start();
    const load = startLoad(`${demo!.url}/api/workspaces`, 3);
    let run: { code: number | null; stdout: string; stderr: string };
    try {
      await demo!.setFaults({ errorRate: 0.6 });
      // Event-driven, however slow the machine: the errors stop once the alert has fired, and the
      // window (long enough for anything) ends with Ctrl-C once it has resolved.
      void receiver.waitFor('[FIRING] CRITICAL High error rate').then(() => demo!.setFaults({ errorRate: 0 }));
      run = await runCliAndInterrupt(
        [
          'check',
          '--url',
          demo!.url,
          '--duration',
          '10m',
          '--interval',
          '500ms',
          '--alert-for',
          '1s',
          '--alert-keep-firing',
          '1s',
          '--budget',
          'error_rate<1%,p95<5s',
          '--json',
        ],
        { env: { PERFLENS_WEBHOOK_URL: hook }, interruptWhen: () => receiver!.waitFor('[RESOLVED] High error rate') },
      );
    } finally {
      await load.stop();
    }
    const io = run;
    const code = run.code;
    const out = JSON.parse(io.stdout) as CheckJson;
    const errorEvents = out.alerts.events.filter((e) => e.ruleId === 'errorRate');
    assert.deepEqual(
      errorEvents.map((e) => e.type),
      ['firing', 'resolved'],
      io.stdout,
    );
    assert.ok(errorEvents[0]!.value > 0.05);
    assert.equal(errorEvents[0]!.severity, 'critical');
    assert.ok(errorEvents[1]!.at > errorEvents[0]!.at);
    // Other rules (CPU under load on a busy machine) may fire too; the error-rate ones must be there, in order.
    assert.deepEqual(
      receiver.texts.filter((t) => t.includes('High error rate')).map((t) => t.split(' ')[0]),
      ['[FIRING]', '[RESOLVED]'],
    );
    const err = out.budget.find((b) => b.metric === 'error_rate')!;
    assert.equal(err.status, 'fail');
    assert.ok(err.actual! > 0.01);
    assert.equal(out.budget.find((b) => b.metric === 'p95')!.status, 'pass');
    assert.equal(out.passed, false);
    assert.equal(code, 1);
  });

  it('passes a budget the service meets (exit 0) and prints a table', async () => {
    const load = startLoad(`${demo!.url}/api/workspaces`, 2);
    const io = capture();
    let code: number;
    try {
      code = await runCli(
        [
          'check',
          '--url',
          demo!.url,
          '--duration',
          '2s',
          '--interval',
          '500ms',
          '--budget',
          'p95<5s,error_rate<1%,rss<4GB',
        ],
        io,
      );
    } finally {
      await load.stop();
    }
    assert.match(io.stdout, /PASS\s+p95<5s\s+p95 response time/);
    assert.match(io.stdout, /PASS\s+rss<4GB\s+peak resident memory [\d.]+ MB, budget < 4 GB/);
    assert.match(io.stdout, /Budget met\./);
    assert.equal(code, 0, io.stdout);
  });

  it('says why a clause had no data: the collection problems are printed, as analyze does', async () => {
    const io = capture();
    const code = await runCli(
      [
        'check',
        '--url',
        demo!.url,
        '--duration',
        '1s',
        '--interval',
        '500ms',
        '--metrics-path',
        '/nope',
        '--budget',
        'p95<5s',
      ],
      io,
    );
    assert.equal(code, 1, io.stdout + io.stderr);
    assert.match(io.stdout, /^Checked http:\/\/127\.0\.0\.1:\d+ for 1 s \(\d+ snapshots every 500 ms\)/);
    assert.match(io.stdout, /NO DATA\s+p95<5s/);
    assert.match(io.stdout, /Collection problems:\n {2}scrape \(\d+×\): .*\/nope answered HTTP 404/);
    const json = capture();
    await runCli(
      ['check', '--url', demo!.url, '--duration', '1s', '--interval', '500ms', '--budget', 'rss<4GB', '--json'],
      json,
    );
    const out = JSON.parse(json.stdout) as {
      intervalMs: number;
      window: { from: number; to: number };
      snapshots: number;
      passed: boolean;
    };
    assert.equal(out.intervalMs, 500);
    assert.ok(out.window.to > out.window.from && out.snapshots >= 2 && out.passed);
  });

  it('refuses a bad budget at once (exit 2) without attaching', async () => {
    const cases: [string[], RegExp][] = [
      [['check', '--url', 'http://127.0.0.1:9'], /check needs --budget/],
      [['check', '--url', 'http://127.0.0.1:9', '--budget', 'p95<300'], /Budget clause 1 "p95<300": p95 needs a unit/],
      [['check', '--url', 'http://127.0.0.1:9', '--budget', 'p95<300ms,,rss<1GB'], /Budget clause 2 "" is empty/],
      [['check', '--budget', 'p95<300ms'], /check needs --url/],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      assert.equal(await runCli(argv, io), 2, argv.join(' '));
      assert.match(io.stderr, message);
    }
  });
});

import * as assert from 'node:assert/strict';
import type { LiveRun } from '../../../src/cli/commands/analyze';
import { findingLines, liveRunHeading } from '../../../src/cli/commands/analyze';
import { runCli } from '../../../src/cli/main';
import type { Finding } from '../../../src/core/analyzers/types';
import type { DemoHandle } from '../../helpers/demoService';
import { startDemoService } from '../../helpers/demoService';
import { snapshot } from '../../helpers/builders';
import { capture, runCliAndInterrupt, startLoad } from './liveHelpers';

describe('cli: perflens analyze (real demo service)', function () {
  this.timeout(60_000);
  let demo: DemoHandle | undefined;
  afterEach(async () => {
    await demo?.stop();
    demo = undefined;
  });

  it('reports pool saturation with a recommended size when the pool is shrunk and latency injected under load', async () => {
    demo = await startDemoService({ poolSize: 1, latencyMs: 150 });
    const load = startLoad(`${demo.url}/api/workspaces`, 6);
    const io = capture();
    let code: number;
    try {
      code = await runCli(['analyze', '--url', demo.url, '--duration', '5s', '--interval', '500ms', '--json'], io);
    } finally {
      await load.stop();
    }
    const out = JSON.parse(io.stdout) as {
      target: string;
      snapshots: number;
      findings: Finding[];
      window: { from: number; to: number };
    };
    assert.equal(out.target, demo.url);
    assert.ok(out.snapshots >= 3, `only ${out.snapshots} snapshots`);
    const sat = out.findings.find((f) => f.id.startsWith('pool.saturated'));
    assert.ok(sat, `no saturation finding in ${out.findings.map((f) => f.id).join(', ')}`);
    assert.equal(sat.severity, 'critical');
    assert.equal(sat.evidence.numbers.size, 1);
    // Six clients contend for one connection: at least one waits, so the size must grow past 1.
    assert.ok((sat.evidence.numbers.recommendedSize as number) >= 2);
    assert.ok((sat.evidence.numbers.maxPending as number) >= 1);
    assert.match(sat.recommendation, /Raise the pool size to \d+/);
    assert.ok(sat.evidence.window.from >= out.window.from && sat.evidence.window.to <= out.window.to);
    assert.equal(code, 1);
  });

  it('prints findings as text and exits 0 on a quiet healthy service', async () => {
    demo = await startDemoService({ poolSize: 4 });
    const io = capture();
    const code = await runCli(
      ['analyze', demo.url, '--duration', '2s', '--interval', '500ms', '--timeout', '10s', '--status-path', '/status'],
      io,
    );
    assert.match(io.stdout, /^Analyzed http:\/\/127\.0\.0\.1:\d+ for 2 s \(\d+ snapshots every 500 ms\)/);
    // An idle 4-connection pool is reported as oversized (info), which does not fail the run.
    assert.equal(code, 0, io.stdout + io.stderr);
  });

  it('does not call a service whose metrics could not be read "within thresholds"', async () => {
    demo = await startDemoService({ poolSize: 2 });
    const io = capture();
    const code = await runCli(
      ['analyze', demo.url, '--duration', '1s', '--interval', '500ms', '--metrics-path', '/nope'],
      io,
    );
    assert.equal(code, 0, io.stdout + io.stderr);
    assert.match(io.stdout, /no metrics could be read from the service/);
    assert.doesNotMatch(io.stdout, /within their thresholds/);
    assert.match(io.stdout, /scrape \(\d+×\): .*\/nope answered HTTP 404/);
  });

  it('Ctrl-C ends the window early and still reports (real CLI process)', async () => {
    demo = await startDemoService({ poolSize: 2 });
    const { code, stdout, stderr } = await runCliAndInterrupt([
      'analyze',
      '--url',
      demo.url,
      '--duration',
      '10m',
      '--json',
    ]);
    assert.ok(code === 0 || code === 1, `exit ${code}: ${stderr}`);
    assert.match(stderr, /interrupted; reporting on what was collected so far/);
    const out = JSON.parse(stdout) as { snapshots: number; window: { from: number; to: number } };
    assert.ok(out.snapshots >= 1);
    assert.ok(out.window.to - out.window.from < 600_000);
  });

  it('rejects bad usage and unreachable targets with exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['analyze'], /analyze needs --url/],
      [['analyze', '--url', 'http://example.com:80'], /not on this machine/],
      [['analyze', '--url', 'http://127.0.0.1:9', '--duration', '500ms'], /--duration must be at least 1s/],
      [
        ['analyze', '--url', 'http://127.0.0.1:9', '--duration', '2s', '--interval', '1500ms'],
        /--interval must be at least 100ms and at most half/,
      ],
      [['analyze', '--url', 'http://127.0.0.1:9', '--max-memory', 'lots'], /--max-memory "lots" is not a size/],
      // The same target flags as report and watch: a URL given as a path is refused before watching.
      [
        ['analyze', '--url', 'http://127.0.0.1:9', '--metrics-path', 'http://127.0.0.1:9/metrics'],
        /--metrics-path is a path such as \/metrics/,
      ],
      [['analyze', '--url', 'http://127.0.0.1:9', '--timeout', 'soon'], /"soon" is not a duration/],
      [
        ['analyze', '--url', 'http://127.0.0.1:9', '--duration', '1s', '--interval', '250ms'],
        /Nothing could be collected from http:\/\/127\.0\.0\.1:9/,
      ],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      assert.equal(await runCli(argv, io), 2, argv.join(' ') + io.stderr);
      assert.match(io.stderr, message);
    }
    const io = capture({ PERFLENS_WEBHOOK_URL: 'hooks.example/T0/secret' });
    assert.equal(await runCli(['analyze', '--url', 'http://127.0.0.1:9', '--duration', '1s'], io), 2);
    assert.match(io.stderr, /PERFLENS_WEBHOOK_URL is set but is not an http\(s\) URL/);
    assert.ok(!io.stderr.includes('secret'));
  });
});

describe('cli: perflens analyze finding lines', () => {
  const finding = (title: string, route?: string): Finding => ({
    id: 'x',
    analyzer: 'bottleneck',
    severity: 'critical',
    title,
    ...(route ? { route } : {}),
    evidence: { window: { from: 0, to: 1 }, numbers: {}, text: 'because' },
    recommendation: 'do this',
  });

  it('names the route once: not again when the title already has it', () => {
    assert.deepEqual(findingLines(finding('GET /health is slow: p95 2.42 s', 'GET /health')), [
      'CRITICAL  GET /health is slow: p95 2.42 s',
      '          because',
      '          → do this',
    ]);
    assert.equal(
      findingLines(finding('Requests queue for connections', 'GET /api'))[0],
      'CRITICAL  Requests queue for connections [GET /api]',
    );
  });
});

describe('cli: perflens analyze/check heading', () => {
  const run = (interrupted: boolean): LiveRun => ({
    target: 'http://127.0.0.1:3000',
    durationMs: 600_000,
    intervalMs: 5000,
    interrupted,
    alertEvents: [],
    firing: [],
    deliveryErrors: [],
    maxMemoryMb: 1024,
    snapshots: [0, 5000, 10_000].map((t) => snapshot({ targetId: 'x', time: 1_000_000 + t })),
  });

  it('gives the asked duration, or after Ctrl-C the time actually watched', () => {
    assert.equal(
      liveRunHeading('Analyzed', run(false)),
      'Analyzed http://127.0.0.1:3000 for 600 s (3 snapshots every 5.00 s)',
    );
    assert.equal(
      liveRunHeading('Checked', run(true)),
      'Checked http://127.0.0.1:3000 for 10 s, stopped early (--duration 600 s; 3 snapshots every 5.00 s)',
    );
  });
});

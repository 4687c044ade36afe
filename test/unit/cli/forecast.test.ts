import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CliIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/main';

function capture(cwd: string): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    env: {},
    cwd,
    out(t: string) {
      io.stdout += t.endsWith('\n') ? t : t + '\n';
    },
    err(t: string) {
      io.stderr += t.endsWith('\n') ? t : t + '\n';
    },
  };
  return io;
}

interface ForecastJson {
  n: number;
  slope: number;
  intercept: number;
  r2: number;
  timeFormat: string;
  timeColumn: string;
  valueColumn: string;
  significant: boolean;
  current: { time: number | string; value: number };
  projection: { days: number; time: number | string; value: number; lower: number; upper: number; confidence: number };
  growth: number;
  recommendation: string;
}

describe('cli: perflens forecast', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-forecast-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return name;
  };

  it('fits seconds and values exactly and projects N days ahead (slope per second)', async () => {
    // v = 100 + 0.002·t, t every 600 s for a day.
    const rows = Array.from({ length: 145 }, (_, i) => `${i * 600},${100 + 0.002 * i * 600}`);
    const file = write('linear.csv', ['time,value', ...rows].join('\n') + '\n');
    const io = capture(dir);
    const code = await runCli(['forecast', '--input', file, '--days', '10', '--json'], io);
    const out = JSON.parse(io.stdout) as ForecastJson;
    assert.equal(out.n, 145);
    assert.ok(Math.abs(out.slope - 0.002) < 1e-12);
    assert.ok(Math.abs(out.intercept - 100) < 1e-9);
    assert.ok(Math.abs(out.r2 - 1) < 1e-12);
    assert.equal(out.timeFormat, 'seconds');
    assert.equal(out.current.time, 86_400);
    assert.equal(out.projection.time, 86_400 + 10 * 86_400);
    // 100 + 0.002 × 950 400 = 2000.8
    assert.ok(Math.abs(out.projection.value - 2000.8) < 1e-6);
    assert.ok(Math.abs(out.projection.upper - out.projection.lower) < 1e-6);
    assert.equal(out.projection.confidence, 0.95);
    assert.equal(out.recommendation, 'Consider horizontal scaling: add more instances');
    assert.equal(code, 1);
  });

  it('reads ISO-8601 times without a header, and prints the projection time as ISO', async () => {
    // 7 daily points, +1 per day from 50, with a small wobble.
    const wobble = [0.1, -0.1, 0.05, -0.05, 0, 0.1, -0.1];
    const rows = wobble.map((w, i) => `2026-01-0${i + 1}T00:00:00Z,${50 + i + w}`);
    const file = write('daily.csv', rows.join('\r\n'));
    const io = capture(dir);
    const code = await runCli(['forecast', '--input', file, '--days', '3', '--json'], io);
    const out = JSON.parse(io.stdout) as ForecastJson;
    assert.equal(out.timeFormat, 'iso8601');
    assert.equal(out.timeColumn, 'column 1');
    assert.equal(out.current.time, '2026-01-07T00:00:00.000Z');
    assert.equal(out.projection.time, '2026-01-10T00:00:00.000Z');
    // About one unit per day: slope ≈ 1/86400 per second.
    assert.ok(Math.abs(out.slope * 86_400 - 1) < 0.05, String(out.slope * 86_400));
    assert.ok(out.projection.lower < out.projection.value && out.projection.value < out.projection.upper);
    // From ~56 to ~59 in 3 days is ~5.3 % growth: "monitor closely".
    assert.equal(out.recommendation, 'Monitor closely: scaling may be needed soon');
    assert.equal(code, 0);
  });

  it('picks named columns and prints a readable summary', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `host-a,${1_700_000_000 + i * 60},${200 + (i % 2)},${10 + i}`);
    const file = write('named.csv', ['host,timestamp,rss_mb,cpu', ...rows].join('\n'));
    const io = capture(dir);
    const code = await runCli(['forecast', '--input', file, '--value-column', 'rss_mb'], io);
    assert.equal(code, 0);
    assert.match(io.stdout, /^rss_mb over timestamp: 20 points/);
    assert.match(io.stdout, /Current capacity appears sufficient/);
    assert.match(io.stdout, /^ {2}in 30 days \(/m);
    const one = capture(dir);
    assert.equal(await runCli(['forecast', '--input', file, '--value-column', 'rss_mb', '--days', '1'], one), 0);
    assert.match(one.stdout, /^ {2}in 1 day \(/m);
  });

  it('rejects bad input with exit 2 and says where', async () => {
    const cases: [string[], RegExp][] = [
      [['forecast'], /needs --input/],
      [['forecast', '--input', 'missing.csv'], /Cannot read missing\.csv: there is no such file\.$/m],
      [
        ['forecast', '--input', write('bad.csv', 'time,value\n0,1\n60,abc\n'), '--json'],
        /Line 3: "abc" in the value column is not a number/,
      ],
      [
        ['forecast', '--input', write('mixed.csv', '0,1\n2026-01-01T00:00:00Z,2\n')],
        /Line 2: the time column mixes seconds and ISO-8601/,
      ],
      [['forecast', '--input', write('ragged.csv', 't,v\n0,1\n60\n')], /Line 3 has 1 fields, expected 2/],
      [['forecast', '--input', write('one.csv', 't,v\n0,1\n')], /at least two rows/],
      [['forecast', '--input', 'x.csv', '--days', 'soon'], /--days must be a positive number/],
      [
        ['forecast', '--input', write('ok.csv', 't,v\n0,1\n60,2\n'), '--value-column', 'nope'],
        /No column named "nope"; the header has: t, v/,
      ],
    ];
    for (const [argv, message] of cases) {
      const io = capture(dir);
      assert.equal(await runCli(argv, io), 2, argv.join(' '));
      assert.match(io.stderr, message);
      assert.equal(io.stdout, '');
    }
  });
});

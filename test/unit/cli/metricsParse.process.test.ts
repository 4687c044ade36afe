import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';

const FIX = path.resolve(__dirname, '..', '..', 'fixtures');
const PROM = path.join(FIX, 'prometheus', 'prometheus-server-scrape.prom');
const ALLTYPES = path.join(FIX, 'prometheus', 'alltypes-5-families.om.txt');

function io(cwd = process.cwd()): CliIO & { stdout: string; stderr: string } {
  const c = { stdout: '', stderr: '', isTTY: false, env: {}, cwd } as CliIO & { stdout: string; stderr: string };
  c.out = (t) => void (c.stdout += t.endsWith('\n') ? t : t + '\n');
  c.err = (t) => void (c.stderr += t.endsWith('\n') ? t : t + '\n');
  return c;
}

interface ParseJson {
  format: string;
  families: {
    name: string;
    type: string;
    help: string | null;
    unit: string | null;
    samples: {
      name: string;
      labels: Record<string, string>;
      value: number | string;
      timestamp?: number;
      exemplar?: { labels: Record<string, string>; value: number | string; timestamp?: number };
    }[];
  }[];
  skippedLines: number;
  problems: { line: number; reason: string }[];
}

async function parseJson(args: string[], cwd?: string): Promise<{ code: number; json: ParseJson; stderr: string }> {
  const c = io(cwd);
  const code = await runCli(['metrics', 'parse', ...args, '--json'], c);
  return { code, json: JSON.parse(c.stdout) as ParseJson, stderr: c.stderr };
}

describe('cli: perflens metrics parse', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-metrics-parse-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the documented JSON for a real Prometheus scrape', async () => {
    const { code, json, stderr } = await parseJson([PROM, '--strict']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    assert.equal(json.format, 'prometheus');
    assert.equal(json.families.length, 37);
    assert.equal(json.skippedLines, 0);
    assert.deepEqual(json.problems, []);
    const fam = json.families.find((f) => f.name === 'http_request_duration_microseconds')!;
    assert.equal(fam.type, 'summary');
    assert.equal(fam.help, 'The HTTP request latencies in microseconds.');
    assert.equal(fam.unit, null);
    const prom = fam.samples.filter((s) => s.labels.handler === 'prometheus');
    assert.deepEqual(
      prom.map((s) => [s.name, s.labels.quantile ?? null, s.value]),
      [
        ['http_request_duration_microseconds', '0.5', 1307.275],
        ['http_request_duration_microseconds', '0.9', 1858.632],
        ['http_request_duration_microseconds', '0.99', 3087.384],
        ['http_request_duration_microseconds_sum', null, 179886.5000000001],
        ['http_request_duration_microseconds_count', null, 119],
      ],
    );
    assert.ok(prom.every((s) => !('timestamp' in s) && !('exemplar' in s)));
  });

  it('writes non-finite values as "NaN", "+Inf", "-Inf" and keeps timestamps and exemplars', async () => {
    const file = path.join(dir, 'special.om');
    fs.writeFileSync(
      file,
      [
        '# TYPE g gauge',
        'g{k="nan"} NaN',
        'g{k="pinf"} +Inf 1.5',
        'g{k="ninf"} -Inf',
        '# TYPE c counter',
        'c_total 3 # {trace_id="abc"} 0.25 1700000000.5',
        '# EOF',
        '',
      ].join('\n'),
    );
    const { code, json } = await parseJson(['special.om', '--strict'], dir);
    assert.equal(code, 0);
    assert.equal(json.format, 'openmetrics');
    const [g, c] = json.families;
    assert.deepEqual(g!.samples, [
      { name: 'g', labels: { k: 'nan' }, value: 'NaN' },
      { name: 'g', labels: { k: 'pinf' }, value: '+Inf', timestamp: 1.5 },
      { name: 'g', labels: { k: 'ninf' }, value: '-Inf' },
    ]);
    assert.equal(g!.unit, null);
    assert.deepEqual(c!.samples, [
      {
        name: 'c_total',
        labels: {},
        value: 3,
        exemplar: { labels: { trace_id: 'abc' }, value: 0.25, timestamp: 1700000000.5 },
      },
    ]);
  });

  it('exits 2 with "line N: reason" on invalid input in strict mode', async () => {
    const c = io();
    const code = await runCli(['metrics', 'parse', ALLTYPES, '--strict'], c);
    assert.equal(code, 2);
    assert.equal(c.stdout, '');
    assert.match(
      c.stderr,
      /alltypes-5-families\.om\.txt: line 33: "rpc_durations_histogram_seconds_sum" must not be NaN or negative/,
    );
  });

  it('in lenient mode keeps the data and warns on stderr with the skipped count and first reasons', async () => {
    const file = path.join(dir, 'broken.prom');
    fs.writeFileSync(file, ['# TYPE up gauge', 'up 1', 'up{ 1', 'down two', 'ok 3', ''].join('\n'));
    const { code, json, stderr } = await parseJson([file]);
    assert.equal(code, 0);
    assert.deepEqual(
      json.families.map((f) => [f.name, f.samples.length]),
      [
        ['up', 1],
        ['ok', 1],
      ],
    );
    assert.equal(json.skippedLines, 2);
    assert.deepEqual(
      json.problems.map((p) => p.line),
      [3, 4],
    );
    assert.match(stderr, /^warning: skipped 2 invalid lines:\n {2}line 3: .+\n {2}line 4: invalid value "two"\n$/);
  });

  it('prints a summary table of families without --json', async () => {
    const c = io();
    const code = await runCli(['metrics', 'parse', ALLTYPES], c);
    assert.equal(code, 0);
    const lines = c.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'OpenMetrics 1.0 · 5 families · 53 samples');
    assert.match(lines[2]!, /^NAME\s+TYPE\s+SAMPLES$/);
    assert.match(c.stdout, /\nrpc_durations_histogram_seconds\s+histogram\s+24\n/);
    assert.match(c.stdout, /\ngo_build_info\s+gauge\s+1\n/);
    assert.match(c.stderr, /^warning: the exposition breaks format rules \(data kept\):/);
  });

  it('honours --format: OpenMetrics rules on a Prometheus body reject it in strict mode', async () => {
    const c = io();
    assert.equal(await runCli(['metrics', 'parse', PROM, '--format', 'openmetrics', '--strict'], c), 2);
    assert.match(
      c.stderr,
      /prometheus-server-scrape\.prom: line 117: sample "http_requests_total" does not belong in counter "http_requests_total"/,
    );
    const { json } = await parseJson([PROM, '--format', 'prometheus']);
    assert.equal(json.format, 'prometheus');
  });

  it("reads the OpenTelemetry exporter's text-format body (# UNIT lines, no # EOF) as Prometheus text, without OpenMetrics warnings", async () => {
    const file = path.join(FIX, 'exporters', 'otel-js-stable-2.txt');
    const { code, json, stderr } = await parseJson([file, '--strict']);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    assert.equal(json.format, 'prometheus');
    const duration = json.families.find((f) => f.name === 'http_server_request_duration');
    assert.deepEqual([duration?.type, duration?.unit], ['histogram', 's']);
    const lenient = await parseJson([file]);
    assert.equal(lenient.stderr, '', 'no warning that the name must end in the unit');
  });

  it('rejects bad usage and unreadable files with exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [[], /needs a FILE/],
      [[PROM, 'extra'], /Unexpected argument extra/],
      [[PROM, '--format', 'xml'], /--format is auto, prometheus or openmetrics/],
      [[path.join(dir, 'missing.prom')], /Cannot read .*missing\.prom/],
    ];
    for (const [args, message] of cases) {
      const c = io();
      assert.equal(await runCli(['metrics', 'parse', ...args], c), 2, args.join(' '));
      assert.match(c.stderr, message);
    }
  });

  it('reads standard input for "-" (real process)', function () {
    this.timeout(30000);
    const main = path.resolve(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', main, 'metrics', 'parse', '-', '--json'], {
      input: '# TYPE a counter\na_total 5\n# EOF\n',
      encoding: 'utf8',
      timeout: 25000,
    });
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout) as ParseJson;
    assert.equal(json.format, 'openmetrics');
    assert.deepEqual(json.families, [
      { name: 'a', type: 'counter', help: null, unit: null, samples: [{ name: 'a_total', labels: {}, value: 5 }] },
    ]);
  });
});

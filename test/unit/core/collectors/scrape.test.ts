import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { MetricsScraper, SCRAPE_ACCEPT, scrapeMetrics } from '../../../../src/core/collectors/scrape';
import { ManualClock } from '../../../../src/core/util/clock';
import type { LocalServer } from './localServer';
import { startLocalServer, text } from './localServer';

const EXPOSITION = [
  '# HELP http_requests_total Requests.',
  '# TYPE http_requests_total counter',
  'http_requests_total{method="GET",route="/a",status="200"} 42',
  'http_requests_total{method="GET",route="/a",status="500"} 3',
  '',
].join('\n');

describe('scrapeMetrics', () => {
  let srv: LocalServer;
  beforeEach(async () => {
    srv = await startLocalServer();
  });
  afterEach(() => srv.close());

  it('negotiates OpenMetrics first and reads whichever format comes back', async () => {
    let accept = '';
    srv.route('/metrics', (req, res) => {
      accept = String(req.headers.accept);
      res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
      res.end('# TYPE jobs counter\njobs_total 7\n# EOF\n');
    });
    const r = await scrapeMetrics(`${srv.url}/metrics`);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(accept, SCRAPE_ACCEPT);
    assert.equal(r.value.parse.format, 'openmetrics');
    assert.equal(r.value.parse.families[0]!.samples[0]!.value, 7);
  });

  it('asks for gzip (remote targets) and decodes a gzip body', async () => {
    let encoding = '';
    srv.route('/metrics', (req, res) => {
      encoding = String(req.headers['accept-encoding']);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync(EXPOSITION));
    });
    const r = await scrapeMetrics(`${srv.url}/metrics`, { compress: true });
    assert.equal(encoding, 'gzip');
    assert.ok(r.ok);
    assert.equal(r.value.parse.format, 'prometheus');
    assert.deepEqual(
      r.value.parse.families[0]!.samples.map((s) => s.value),
      [42, 3],
    );
    assert.equal(r.value.bytes, Buffer.byteLength(EXPOSITION));
  });

  it('asks a loopback service for an uncompressed body, and still decodes gzip if it sends it anyway', async () => {
    let encoding = '';
    srv.route('/metrics', (req, res) => {
      encoding = String(req.headers['accept-encoding']);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync(EXPOSITION));
    });
    const r = await scrapeMetrics(`${srv.url}/metrics`);
    assert.equal(encoding, 'identity');
    assert.ok(r.ok && r.value.parse.families[0]!.samples.length === 2);
  });

  it('keeps the good lines of a malformed exposition and counts the bad ones', async () => {
    srv.route('/metrics', text(EXPOSITION + 'broken{label="x" 1\nup 1\n'));
    const r = await scrapeMetrics(`${srv.url}/metrics`);
    assert.ok(r.ok);
    assert.equal(r.value.parse.skippedLines, 1);
    assert.equal(r.value.parse.problems[0]!.line, 5);
    assert.ok(r.value.parse.families.some((f) => f.name === 'up'));
  });

  it('reads a body with non-UTF-8 bytes, flags it, and keeps the samples', async () => {
    const body = Buffer.concat([
      Buffer.from('# HELP up Caf'),
      Buffer.from([0xe9, 0xff]),
      Buffer.from('.\n# TYPE up gauge\nup 1\n'),
    ]);
    srv.route('/metrics', text(body));
    const r = await scrapeMetrics(`${srv.url}/metrics`);
    assert.ok(r.ok);
    assert.equal(r.value.parse.families.find((f) => f.name === 'up')!.samples[0]!.value, 1);
    assert.ok(
      r.value.parse.problems.some((p) => /UTF-8/.test(p.reason)),
      JSON.stringify(r.value.parse.problems),
    );
  });

  it('fails clearly on a truncated body (the connection drops before Content-Length)', async () => {
    srv.route('/metrics', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(EXPOSITION.length * 4) });
      res.write(EXPOSITION);
      setImmediate(() => res.socket?.destroy());
    });
    const r = await scrapeMetrics(`${srv.url}/metrics`);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && ['network', 'decode'].includes(r.error.kind), JSON.stringify(!r.ok && r.error));
  });

  it('keeps the complete lines of a body cut off mid-line and says it may be truncated', async () => {
    srv.route('/metrics', (_req, res) => {
      // Chunked, ended cleanly: HTTP cannot tell this body is short; the exposition can.
      res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0' });
      res.write('# TYPE jobs counter\njobs_total 7\n# TYPE queue gauge\nqueue 3\nqueue_x{a="');
      res.end();
    });
    const r = await scrapeMetrics(`${srv.url}/metrics`);
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.parse.families.map((f) => f.name),
      ['jobs', 'queue'],
    );
    assert.equal(r.value.parse.skippedLines, 1);
    assert.ok(
      r.value.parse.problems.some((p) => /truncated/.test(p.reason)),
      JSON.stringify(r.value.parse.problems),
    );
  });

  it('stops reading a 100 MB body at the cap instead of buffering it', async () => {
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, '# padding comment line that never ends up anywhere\n');
    srv.route('/metrics', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // Streams up to 100 MB, respecting backpressure, and stops when the client hangs up.
      const pump = () => {
        while (sent < 100 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const r = await scrapeMetrics(`${srv.url}/metrics`, { maxBytes: 10 * 1024 * 1024 });
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'too-large');
    assert.match(r.error.message, /10 MB/);
    // Advice the user can act on: there is no setting for the limit.
    assert.match(r.error.message, /Reduce the series the service exports/);
    assert.ok(sent < 100 * 1024 * 1024, `the server should have been cut off early, sent ${sent}`);
  });

  it('times out on a server that accepts and never answers', async () => {
    srv.route('/metrics', () => undefined);
    const r = await scrapeMetrics(`${srv.url}/metrics`, { timeoutMs: 150 });
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'timeout');
  });

  it('recognises an HTML page or JSON on the metrics path', async () => {
    srv.route('/metrics', text('<!DOCTYPE html><html><body>Sign in</body></html>', 'text/html'));
    srv.route('/api', text('{"ok":true}', 'application/json'));
    const html = await scrapeMetrics(`${srv.url}/metrics`);
    assert.ok(!html.ok);
    assert.equal(html.error.kind, 'not-metrics');
    assert.match(html.error.message, /HTML page/);
    const json = await scrapeMetrics(`${srv.url}/api`);
    assert.ok(!json.ok && json.error.kind === 'not-metrics' && /JSON/.test(json.error.message));
  });

  it('reports an HTTP error status, and a refused connection after the service stopped', async () => {
    srv.route('/metrics', text(EXPOSITION));
    assert.ok((await scrapeMetrics(`${srv.url}/metrics`)).ok);
    const r404 = await scrapeMetrics(`${srv.url}/nothing`);
    assert.ok(!r404.ok && r404.error.kind === 'http-status' && /404/.test(r404.error.message));
    // The kept-alive socket from the scrapes above is now stale; the result must still say "refused".
    await srv.close();
    const refused = await scrapeMetrics(`${srv.url}/metrics`);
    assert.ok(!refused.ok);
    assert.equal(refused.error.kind, 'refused', refused.error.message);
    srv = await startLocalServer();
  });
});

describe('MetricsScraper', () => {
  let srv: LocalServer;
  beforeEach(async () => {
    srv = await startLocalServer();
  });
  afterEach(() => srv.close());

  it('never runs two scrapes at once: concurrent callers share one request', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    srv.route('/metrics', (_req, res) => {
      void gate.then(() => text(EXPOSITION)(_req, res));
    });
    const scraper = new MetricsScraper(`${srv.url}/metrics`);
    const a = scraper.scrape();
    const b = scraper.scrape();
    assert.equal(a, b);
    release();
    const [ra] = await Promise.all([a, b]);
    assert.ok(ra.ok);
    assert.equal(srv.hits.get('/metrics'), 1);
    assert.ok((await scraper.scrape()).ok);
    assert.equal(srv.hits.get('/metrics'), 2);
  });

  it("reads each scrape's repeated series through the last scrape's (one series cache per target)", async () => {
    let round = 0;
    srv.route('/metrics', (req, res) => text(EXPOSITION.replace(' 42\n', ` ${42 + round++}\n`))(req, res));
    const scraper = new MetricsScraper(`${srv.url}/metrics`);
    const first = await scraper.scrape();
    const second = await scraper.scrape();
    assert.ok(first.ok && second.ok);
    const [a, b] = [first, second].map((r) => r.value.parse.families[0]!.samples);
    assert.deepEqual(
      b!.map((s) => s.value),
      [43, 3],
    );
    // The same label objects: the second scrape took its series from the first's.
    assert.equal(b![0]!.labels, a![0]!.labels);
    assert.equal(b![1]!.labels, a![1]!.labels);
    // Another scraper has its own.
    const other = await new MetricsScraper(`${srv.url}/metrics`).scrape();
    assert.ok(other.ok);
    assert.notEqual(other.value.parse.families[0]!.samples[0]!.labels, a![0]!.labels);
  });

  it('backs off exponentially while failing and resets on success', async () => {
    const clock = new ManualClock(0);
    let healthy = false;
    srv.route('/metrics', (req, res) =>
      healthy ? text(EXPOSITION)(req, res) : text('down', 'text/plain', 503)(req, res),
    );
    const scraper = new MetricsScraper(`${srv.url}/metrics`, { clock, backoff: { baseMs: 1000, maxMs: 4000 } });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      assert.equal(scraper.retryInMs(), 0);
      assert.ok(!(await scraper.scrape()).ok);
      delays.push(scraper.retryInMs());
      clock.advance(scraper.retryInMs());
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 4000]);
    assert.equal(scraper.consecutiveFailures, 4);
    assert.equal(scraper.lastError?.kind, 'http-status');
    healthy = true;
    assert.ok((await scraper.scrape()).ok);
    assert.equal(scraper.retryInMs(), 0);
    assert.equal(scraper.consecutiveFailures, 0);
  });
});

/**
 * Transport and error mapping of the API client against local HTTP servers that answer the way
 * Prometheus (or a proxy in front of it) does. Answers of a real Prometheus are tested in
 * prometheusServer.process.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { PrometheusClient, promDuration } from '../../../../src/core/prometheus/client';
import { fail } from '../../../../src/core/util/result';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: Seen, res: http.ServerResponse) => void;

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('PrometheusClient (transport and errors)', () => {
  let server: http.Server;
  let base: string;
  let handler: Handler;
  const seen: Seen[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        seen.push(s);
        handler(s, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('posts queries as a form with the time and the server-side timeout, and reads vectors', async () => {
    handler = (_req, res) =>
      json(res, 200, {
        status: 'success',
        data: {
          resultType: 'vector',
          result: [
            { metric: { instance: 'a' }, value: [1700000000.5, '1.25'] },
            { metric: {}, value: [1700000000.5, '+Inf'] },
            { metric: {}, value: [1700000000.5, 'NaN'] },
          ],
        },
      });
    const c = new PrometheusClient({ baseUrl: `${base}/prom/`, queryTimeoutMs: 3000 });
    const r = await c.query('sum(rate(x{job="a b"}[1m]))', 1_700_000_000_500);
    assert.ok(r.ok);
    assert.deepEqual(r.value[0], { labels: { instance: 'a' }, time: 1_700_000_000_500, value: 1.25 });
    assert.equal(r.value[1]!.value, Infinity);
    assert.ok(Number.isNaN(r.value[2]!.value));
    assert.equal(seen[0]!.method, 'POST');
    assert.equal(seen[0]!.url, '/prom/api/v1/query');
    assert.equal(seen[0]!.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = new URLSearchParams(seen[0]!.body);
    assert.equal(form.get('query'), 'sum(rate(x{job="a b"}[1m]))');
    assert.equal(form.get('time'), '1700000000.500');
    assert.equal(form.get('timeout'), '3s');
  });

  it('sends a bearer token or basic credentials, and maps 401/403 to unauthorized', async () => {
    handler = (req, res) => {
      if (
        req.headers.authorization === 'Bearer s3cret' ||
        req.headers.authorization === `Basic ${Buffer.from('ann:pa:ss').toString('base64')}`
      ) {
        json(res, 200, { status: 'success', data: { version: '2.42.0' } });
      } else res.writeHead(401).end('Unauthorized');
    };
    const bearer = await new PrometheusClient({ baseUrl: base, auth: { kind: 'bearer', token: 's3cret' } }).buildInfo();
    assert.ok(bearer.ok && bearer.value.version === '2.42.0');
    const basic = await new PrometheusClient({
      baseUrl: base,
      auth: { kind: 'basic', user: 'ann', password: 'pa:ss' },
    }).buildInfo();
    assert.ok(basic.ok);
    const none = await new PrometheusClient({ baseUrl: base }).buildInfo();
    assert.ok(!none.ok && none.error.kind === 'unauthorized');
    assert.match(none.error.message, /HTTP 401.*PERFLENS_PROMETHEUS_TOKEN/);
    assert.equal(seen[2]!.headers.authorization, undefined);
  });

  it('maps the API error envelope: bad_data, timeout, execution, and other statuses', async () => {
    const answers: [number, unknown][] = [
      [
        400,
        {
          status: 'error',
          errorType: 'bad_data',
          error: 'invalid parameter "query": 1:5: parse error: unexpected end of input',
        },
      ],
      [503, { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' }],
      [
        422,
        { status: 'error', errorType: 'execution', error: 'query processing would load too many samples into memory' },
      ],
      [500, { status: 'error', errorType: 'internal', error: 'boom' }],
    ];
    let i = 0;
    handler = (_req, res) => {
      const [status, body] = answers[i++]!;
      json(res, status, body);
    };
    const c = new PrometheusClient({ baseUrl: base });
    const kinds: string[] = [];
    const messages: string[] = [];
    for (let k = 0; k < answers.length; k++) {
      const r = await c.query('up');
      assert.ok(!r.ok);
      kinds.push(r.error.kind);
      messages.push(r.error.message);
    }
    assert.deepEqual(kinds, ['bad-query', 'timeout', 'query-failed', 'server-error']);
    assert.match(messages[0]!, /rejected the query up: .*parse error: unexpected end of input/);
    assert.match(messages[1]!, /query timed out in expression evaluation/);
    assert.match(messages[3]!, /HTTP 500.*boom/);
  });

  it("classifies a real Prometheus's error answers by errorType and text: a deadline is a timeout whatever the errorType", async () => {
    // Captured from Prometheus 2.42: where the deadline strikes decides whether the server calls it
    // "timeout" or "execution" ("expanding series: context deadline exceeded").
    const fixture = JSON.parse(
      fs.readFileSync(path.join(__dirname, '../../../fixtures/prometheus/api-errors-2.42.json'), 'utf8'),
    ) as {
      answers: { status: number; body: string; kind: string }[];
    };
    let i = 0;
    handler = (_req, res) => {
      const a = fixture.answers[i++]!;
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
    };
    const c = new PrometheusClient({ baseUrl: base });
    for (const a of fixture.answers) {
      const r = await c.query('vector(1)');
      assert.ok(!r.ok);
      const text = (JSON.parse(a.body) as { error: string }).error;
      assert.deepEqual([r.error.kind, r.error.message.includes(text)], [a.kind, true], `${a.status} ${a.body}`);
      if (a.kind === 'timeout')
        assert.match(r.error.message, /^Prometheus gave up on the query vector\(1\) \(.*\)\. Try a shorter window/);
    }
    assert.equal(i, fixture.answers.length);
  });

  it('says so when the URL is not a Prometheus API: 404, HTML, wrong result type', async () => {
    const answers: [number, string][] = [
      [404, '404 page not found'],
      [200, '<html><body>Grafana</body></html>'],
      [200, JSON.stringify({ status: 'success', data: { resultType: 'string', result: [1, 'x'] } })],
    ];
    let i = 0;
    handler = (_req, res) => {
      const [status, body] = answers[i++]!;
      res.writeHead(status, { 'content-type': 'text/html' }).end(body);
    };
    const c = new PrometheusClient({ baseUrl: base });
    const notFound = await c.query('up');
    assert.ok(!notFound.ok && notFound.error.kind === 'not-found');
    assert.match(notFound.error.message, /path prefix/);
    const html = await c.query('up');
    assert.ok(!html.ok && html.error.kind === 'invalid-response');
    const wrongType = await c.query('up');
    assert.ok(!wrongType.ok && wrongType.error.kind === 'invalid-response');
  });

  it('times out on a server that never answers, within the client limit', async () => {
    handler = () => {
      // accept the request and never answer
    };
    const c = new PrometheusClient({ baseUrl: base, queryTimeoutMs: 100, requestTimeoutMs: 300 });
    const r = await c.query('up');
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'timeout');
    assert.match(r.error.message, /did not answer the query up within 300 ms/);
  });

  it('reports an unreachable server and an invalid URL', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await new PrometheusClient({ baseUrl: `http://127.0.0.1:${port}` }).buildInfo();
    assert.ok(!r.ok && r.error.kind === 'unreachable');
    assert.match(r.error.message, /connection refused.*9090/);
    const bad = await new PrometheusClient({ baseUrl: 'ftp://127.0.0.1' }).buildInfo();
    assert.ok(!bad.ok && bad.error.kind === 'invalid-url');
  });

  it('reads alerts, keeping labels, annotations, state, activeAt and value', async () => {
    handler = (_req, res) =>
      json(res, 200, {
        status: 'success',
        data: {
          alerts: [
            {
              labels: { alertname: 'HighLatency', job: 'demo' },
              annotations: { summary: 'p95 > 1s' },
              state: 'firing',
              activeAt: '2026-11-27T12:00:00.5Z',
              value: '1.5e+00',
            },
            {
              labels: { alertname: 'Down' },
              annotations: {},
              state: 'pending',
              activeAt: '0001-01-01T00:00:00Z',
              value: 'NaN',
            },
          ],
        },
      });
    const r = await new PrometheusClient({ baseUrl: base }).alerts();
    assert.ok(r.ok);
    assert.deepEqual(r.value[0], {
      name: 'HighLatency',
      state: 'firing',
      labels: { alertname: 'HighLatency', job: 'demo' },
      annotations: { summary: 'p95 > 1s' },
      activeAt: Date.parse('2026-11-27T12:00:00.5Z'),
      value: 1.5,
    });
    assert.deepEqual(r.value[1], { name: 'Down', state: 'pending', labels: { alertname: 'Down' }, annotations: {} });
    assert.equal(seen[0]!.method, 'GET');
  });

  it('passes on the warnings of a successful answer', async () => {
    handler = (_req, res) =>
      json(res, 200, {
        status: 'success',
        warnings: ['partial response: store 10.0.0.3:10901 unavailable'],
        data: { resultType: 'vector', result: [] },
      });
    const seenWarnings: string[] = [];
    const r = await new PrometheusClient({
      baseUrl: base,
      onWarnings: (what, w) => seenWarnings.push(`${what}: ${w.join('; ')}`),
    }).query('up');
    assert.ok(r.ok);
    assert.deepEqual(seenWarnings, ['the query up: partial response: store 10.0.0.3:10901 unavailable']);
  });

  it('asks the transport for at most 64 MB and says what to narrow when an answer is larger', async () => {
    let asked: number | undefined;
    const c = new PrometheusClient({
      baseUrl: base,
      http: (_url, opts) => {
        asked = opts.maxBytes;
        return Promise.resolve(fail('too-large', 'The response is larger than the 64 MB limit.'));
      },
    });
    const r = await c.queryRange('up', 0, 3_600_000, 1000);
    assert.equal(asked, 64 * 1024 * 1024);
    assert.ok(!r.ok && r.error.kind === 'query-failed');
    assert.match(r.error.message, /larger than 64 MB: narrow the selector or shorten the range/);
  });

  it('renders durations in whole seconds or milliseconds', () => {
    assert.equal(promDuration(60_000), '60s');
    assert.equal(promDuration(10_500), '10500ms');
    assert.equal(promDuration(0.2), '1ms');
  });
});

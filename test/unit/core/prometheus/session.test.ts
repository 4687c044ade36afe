/**
 * The live Prometheus session's schedule, driven by a ManualClock (no sleeping), against a local
 * server speaking the Prometheus API with fixed answers. Numbers from a real server are tested in
 * prometheusServer.process.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusSession } from '../../../../src/core/prometheus/session';
import { parsePrometheusTarget } from '../../../../src/core/prometheus/target';
import type { Snapshot } from '../../../../src/core/session/types';
import { ManualClock } from '../../../../src/core/util/clock';

function vector(result: { metric: Record<string, string>; value: number }[], time: number) {
  return {
    status: 'success',
    data: { resultType: 'vector', result: result.map((r) => ({ metric: r.metric, value: [time, String(r.value)] })) },
  };
}

describe('PrometheusSession (scheduled rounds on a manual clock)', () => {
  let server: http.Server;
  let url: string;
  let broken = false;
  let warn = false;
  let nullAlert = false;
  const queryTimes: number[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (broken) {
          res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>');
          return;
        }
        res.setHeader('content-type', 'application/json');
        if (req.url === '/api/v1/alerts' && nullAlert) {
          res.end(JSON.stringify({ status: 'success', data: { alerts: [null] } }));
          return;
        }
        if (req.url === '/api/v1/alerts') {
          res.end(
            JSON.stringify({
              status: 'success',
              data: {
                alerts: [
                  {
                    labels: { alertname: 'Slow', job: 'demo' },
                    annotations: {},
                    state: 'firing',
                    activeAt: '2026-01-01T00:00:00Z',
                    value: '2',
                  },
                ],
              },
            }),
          );
          return;
        }
        const form = new URLSearchParams(body);
        const q = form.get('query') ?? '';
        const t = Number(form.get('time'));
        queryTimes.push(t);
        const instances = ['a:1', 'b:1'];
        if (q.startsWith('group by'))
          res.end(
            JSON.stringify(
              vector(
                [{ metric: { __name__: 'http_requests_total', route: '/x', method: 'GET', status: '200' }, value: 1 }],
                t,
              ),
            ),
          );
        else if (q.startsWith('max by (instance, job) (up'))
          res.end(
            JSON.stringify(
              vector(
                instances.map((i) => ({ metric: { instance: i, job: 'demo' }, value: 1 })),
                t,
              ),
            ),
          );
        else if (q.includes('rate(http_requests_total{job="demo"}')) {
          const body = vector(
            instances.map((i, k) => ({ metric: { instance: i, route: '/x', method: 'GET' }, value: k + 1 })),
            t,
          );
          res.end(JSON.stringify(warn ? { ...body, warnings: ['partial response: one store unavailable'] } : body));
        } else res.end(JSON.stringify(vector([], t)));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  function session(clock: ManualClock): PrometheusSession {
    const t = parsePrometheusTarget(url, 'job="demo"');
    assert.ok(t.ok);
    return new PrometheusSession({ target: t.value, clock, intervalMs: 15_000 });
  }

  it('an answer that breaks one query costs that query only: the round and the other query still count', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 27, 12, 0, 0));
    const s = session(clock);
    nullAlert = true;
    try {
      const snap = await s.collectOnce();
      assert.equal(snap.instances?.length, 2, JSON.stringify(snap.errors));
      const e = snap.errors.find((x) => x.source === 'prometheus');
      assert.ok(e, JSON.stringify(snap.errors));
      assert.match(
        e.message,
        /^The server's alerts could not be read: Reading the Prometheus server's answer failed: /,
      );
    } finally {
      nullAlert = false;
      await s.stop();
    }
  });

  it('collects a round at start and one per interval, each evaluated at its own time, and stops cleanly', async () => {
    const t0 = Date.UTC(2026, 10, 27, 12, 0, 0);
    const clock = new ManualClock(t0);
    const s = session(clock);
    const seen: Snapshot[] = [];
    s.onSnapshot((x) => seen.push(x));
    s.start();
    await s.whenIdle();
    clock.advance(15_000);
    await s.whenIdle();
    clock.advance(15_000);
    await s.whenIdle();
    assert.deepEqual(
      seen.map((x) => x.time),
      [t0, t0 + 15_000, t0 + 30_000],
    );
    assert.ok(queryTimes.includes((t0 + 30_000) / 1000));
    const last = seen[2]!;
    assert.equal(last.http?.requestRate, 3);
    assert.deepEqual(
      last.instances?.map((i) => [i.instance, i.requestRate]),
      [
        ['a:1', 1],
        ['b:1', 2],
      ],
    );
    assert.deepEqual(
      last.serverAlerts?.map((a) => [a.name, a.matchesTarget]),
      [['Slow', true]],
    );
    assert.equal(s.latest, last);
    await s.stop();
    clock.advance(60_000);
    await s.whenIdle();
    assert.equal(seen.length, 3, 'no round after stop');
    assert.equal(s.state, 'stopped');
  });

  it('turns a failing server into a snapshot carrying the error, and recovers on the next round', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 27, 13, 0, 0));
    const s = session(clock);
    broken = true;
    const bad = await s.collectOnce();
    assert.equal(bad.health?.state, 'unknown');
    assert.equal(bad.errors[0]?.source, 'prometheus');
    assert.equal(bad.errors[0]?.kind, 'server-error');
    assert.match(bad.errors[0]!.message, /HTTP 502/);
    broken = false;
    clock.advance(15_000);
    const good = await s.collectOnce();
    assert.deepEqual(good.errors, []);
    assert.equal(good.instances?.length, 2);
    await s.stop();
  });

  it("reports the server's warnings on an answer in the snapshot's errors, once", async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 27, 14, 0, 0));
    const s = session(clock);
    warn = true;
    const warned = await s.collectOnce();
    warn = false;
    const warnings = warned.errors.filter((e) => e.kind === 'warning');
    assert.equal(warnings.length, 1, JSON.stringify(warned.errors));
    assert.match(
      warnings[0]!.message,
      /^The server warned: partial response: one store unavailable \(the query sum by/,
    );
    assert.equal(warned.http?.requestRate, 3, 'the data still counts');
    clock.advance(15_000);
    assert.deepEqual((await s.collectOnce()).errors, []);
    await s.stop();
  });
});

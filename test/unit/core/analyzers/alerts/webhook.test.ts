import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertEngine } from '../../../../../src/core/analyzers/alerts/engine';
import { defaultAlertRules } from '../../../../../src/core/analyzers/alerts/rules';
import type { AlertEvent } from '../../../../../src/core/analyzers/alerts/types';
import type { SlackPayload } from '../../../../../src/core/analyzers/alerts/webhook';
import { WebhookAlertHandler, slackPayload } from '../../../../../src/core/analyzers/alerts/webhook';
import { httpStats, snapshot } from '../../../../helpers/builders';

interface Received {
  method: string;
  contentType: string;
  body: SlackPayload;
}

/** A webhook receiver on 127.0.0.1:0 answering each request with the next scripted status (or never). */
class Receiver {
  readonly received: Received[] = [];
  private server?: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();
  constructor(private readonly script: (number | 'hang')[]) {}
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        this.received.push({
          method: req.method ?? '',
          contentType: String(req.headers['content-type']),
          body: JSON.parse(data) as SlackPayload,
        });
        const step = this.script[Math.min(this.received.length - 1, this.script.length - 1)]!;
        if (step === 'hang') {
          this.hanging.add(res);
          return;
        }
        res.writeHead(step, { 'content-type': 'text/plain' });
        res.end(step === 200 ? 'ok' : 'error');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hooks/alerts`;
  }
  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const T0 = Date.UTC(2026, 0, 1);
const event: AlertEvent = {
  type: 'firing',
  ruleId: 'errorRate',
  name: 'High error rate',
  severity: 'critical',
  labels: { route: '/api/entities' },
  value: 0.2,
  threshold: 0.05,
  op: '>',
  activeAt: T0,
  firedAt: T0 + 30_000,
  at: T0 + 30_000,
  targetId: 'http://127.0.0.1:3000',
  message: 'High error rate: 20.0% > 5.0% for 30 s',
};

describe('alerts: Slack-compatible webhook', () => {
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.stop();
    receiver = undefined;
  });

  it('builds the Slack payload: text plus a coloured attachment with fields', () => {
    const p = slackPayload(event);
    assert.equal(p.text, '[FIRING] CRITICAL High error rate: 20.0% > 5.0% for 30 s');
    const a = p.attachments[0]!;
    assert.equal(a.color, 'danger');
    assert.equal(a.title, 'PerfLens alert: High error rate');
    assert.equal(a.ts, Math.floor((T0 + 30_000) / 1000));
    assert.deepEqual(
      a.fields.map((f) => f.title),
      ['Severity', 'Threshold', 'Current', 'Target', 'Active since', 'route'],
    );
    assert.equal(a.fields[1]!.value, '> 0.05');
    assert.equal(slackPayload({ ...event, type: 'resolved' }).attachments[0]!.color, 'good');
    assert.equal(slackPayload({ ...event, severity: 'warning' }).attachments[0]!.color, 'warning');
  });

  it('POSTs JSON to the receiver', async () => {
    receiver = new Receiver([200]);
    const url = await receiver.start();
    const r = await new WebhookAlertHandler({ url }).handle(event);
    assert.deepEqual(r, { ok: true, attempts: 1 });
    assert.equal(receiver.received.length, 1);
    assert.equal(receiver.received[0]!.method, 'POST');
    assert.equal(receiver.received[0]!.contentType, 'application/json');
    assert.deepEqual(receiver.received[0]!.body, slackPayload(event));
  });

  it('retries once after a 5xx and succeeds', async () => {
    receiver = new Receiver([503, 200]);
    const r = await new WebhookAlertHandler({ url: await receiver.start() }).handle(event);
    assert.deepEqual(r, { ok: true, attempts: 2 });
    assert.equal(receiver.received.length, 2);
  });

  it('gives up after the retry and says why', async () => {
    receiver = new Receiver([500]);
    const r = await new WebhookAlertHandler({ url: await receiver.start() }).handle(event);
    assert.equal(r.ok, false);
    assert.equal(r.attempts, 2);
    assert.match(r.message!, /failed after 2 attempts: the webhook answered HTTP 500/);
  });

  it('a refused connection names the webhook receiver, not "the service"', async () => {
    receiver = new Receiver([200]);
    const url = await receiver.start();
    await receiver.stop();
    receiver = undefined;
    const r = await new WebhookAlertHandler({ url }).handle(event);
    assert.equal(r.ok, false);
    assert.match(
      r.message!,
      /failed after 2 attempts: Nothing is listening at 127\.0\.0\.1:\d+ \(connection refused\)\. Is the webhook receiver running, and is the URL right\?$/,
    );
  });

  it('does not retry a 404 (a wrong URL will not heal)', async () => {
    receiver = new Receiver([404]);
    const r = await new WebhookAlertHandler({ url: await receiver.start() }).handle(event);
    assert.equal(r.attempts, 1);
    assert.match(r.message!, /HTTP 404; check the webhook URL/);
  });

  it('times out a receiver that never answers, retries, then succeeds', async () => {
    receiver = new Receiver(['hang', 200]);
    const r = await new WebhookAlertHandler({ url: await receiver.start(), timeoutMs: 300 }).handle(event);
    assert.deepEqual(r, { ok: true, attempts: 2 });
  });

  it('never puts the secret part of the URL in its messages', async () => {
    receiver = new Receiver(['hang']);
    const url = await receiver.start();
    const r = await new WebhookAlertHandler({ url, timeoutMs: 200 }).handle(event);
    assert.equal(r.ok, false);
    assert.equal(r.attempts, 2);
    assert.ok(!r.message!.includes('/hooks/alerts'), r.message);
    assert.match(r.message!, /http:\/\/127\.0\.0\.1:\d+\/… did not answer within 200 ms/);
    const bad = await new WebhookAlertHandler({ url: 'ftp://example.invalid/T0/B1/secret' }).handle(event);
    assert.equal(bad.attempts, 1);
    assert.ok(!bad.message!.includes('secret'), bad.message);
  });

  it('delivers engine events end to end', async () => {
    receiver = new Receiver([200]);
    const engine = new AlertEngine(
      defaultAlertRules({}, { forMs: 0, keepFiringForMs: 0 }).filter((r) => r.id === 'errorRate'),
      {
        handlers: [new WebhookAlertHandler({ url: await receiver.start() })],
      },
    );
    const errors: unknown[] = [];
    engine.onDeliveryError((e) => errors.push(e));
    engine.evaluate(snapshot({ time: T0, http: httpStats({ requestRate: 1, errorRate: 0.5 }) }));
    engine.evaluate(snapshot({ time: T0 + 1000, http: httpStats({ requestRate: 1 }) }));
    await engine.flush();
    assert.deepEqual(errors, []);
    assert.deepEqual(receiver.received.map((r) => r.body.text.split(' ')[0]).sort(), ['[FIRING]', '[RESOLVED]']);
  });
});

// Metrics pushed over OTLP by the real OpenTelemetry SDK exporter, through the real receiver, into
// the live monitor: the service becomes the target otlp:<service.name> and its snapshots take the
// path a scraped target's do (target state, history store, analyzers, alerts).
import * as assert from 'node:assert/strict';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { HistoryStore } from '../../../../src/core/store';
import { openHistoryStore } from '../../../../src/core/store';
import { ManualClock } from '../../../../src/core/util/clock';
import { startOtlpReceiver, type OtlpReceiver } from '../../../../src/core/traces/receiver';
import { otlpTargetId } from '../../../../src/core/traces/metricsHub';
import type { LiveConfig } from '../../../../src/extension/live/liveMonitor';
import { LiveMonitor } from '../../../../src/extension/live/liveMonitor';
import { testLiveConfig } from '../helpers/liveConfig';

const BOUNDS = [0.05, 0.1, 0.25, 0.5, 1];

interface Recorded {
  seconds: number;
  route: string;
  status: number;
}

/** The p95 a histogram with BOUNDS can tell: the upper bound of the bucket holding the nearest-rank 95th value. */
function expectedP95Ms(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const v = sorted[Math.ceil(0.95 * sorted.length) - 1]!;
  return BOUNDS.find((b) => v <= b)! * 1000;
}

const config = (): LiveConfig => testLiveConfig();

describe('OTLP metrics into the live monitor', function () {
  this.timeout(60_000);
  let receiver: OtlpReceiver | undefined;
  let monitor: LiveMonitor | undefined;
  let provider: MeterProvider | undefined;

  afterEach(async () => {
    await provider?.shutdown().catch(() => undefined);
    await receiver?.close();
    await monitor?.dispose();
  });

  it('turns two SDK exports (a delta histogram of http.server.request.duration and a counter) into the target otlp:orders with the recorded rate, p95 and error rate', async () => {
    const clock = new ManualClock(Date.now());
    let store: HistoryStore | undefined;
    monitor = new LiveMonitor({
      config,
      clock,
      openStore: async () => {
        const r = await openHistoryStore({ clock });
        if (r.ok) store = r.value;
        return r.ok ? r : { ok: false, error: r.error };
      },
    });
    const live = monitor;
    // What the editor's trace session does on a service's first export (through the target registry).
    live.otlpMetrics.onService((service) =>
      live.attach({ id: otlpTargetId(service), label: `${service} (OTLP)`, spec: { kind: 'otlp', service } }),
    );
    await live.ensureStore();
    // A target remembered from an earlier window, before its service exports: it says what it waits for.
    live.attach({ id: otlpTargetId('billing'), label: 'billing (OTLP)', spec: { kind: 'otlp', service: 'billing' } });
    assert.match(
      live.target(otlpTargetId('billing'))!.health.reasons.join(' '),
      /Waiting for metrics of billing over OTLP: .*Start Service with Tracing/,
    );
    receiver = await startOtlpReceiver({
      sink: { ingest: () => ({ rejected: 0 }), retryAfterSeconds: () => 0 },
      port: 0,
      onMetrics: (families) => live.otlpMetrics.receive(families),
    });
    provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'orders' }),
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({
            url: `${receiver.endpoint}/v1/metrics`,
            temporalityPreference: AggregationTemporality.DELTA,
          }),
          exportIntervalMillis: 3_600_000,
        }),
      ],
    });
    const meter = provider.getMeter('orders');
    const duration = meter.createHistogram('http.server.request.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: BOUNDS },
    });
    const placed = meter.createCounter('orders.placed');
    const record = (list: Recorded[]) => {
      for (const r of list) {
        duration.record(r.seconds, {
          'http.request.method': 'GET',
          'http.route': r.route,
          'http.response.status_code': r.status,
        });
        placed.add(1);
      }
    };

    const first: Recorded[] = Array.from({ length: 5 }, () => ({ seconds: 0.03, route: '/orders', status: 200 }));
    record(first);
    await provider.forceFlush();
    const afterFirst = live.target(otlpTargetId('orders'));
    assert.ok(afterFirst, 'the first export attaches the service as a target');
    assert.equal(afterFirst.label, 'orders (OTLP)');
    assert.ok(afterFirst.latest, 'its first snapshot arrived');
    assert.equal(afterFirst.latest.http, undefined, 'a first export has no rates, as a first scrape has none');

    const seconds = 10;
    clock.advance(seconds * 1000);
    const second: Recorded[] = [
      ...Array.from({ length: 17 }, () => ({ seconds: 0.08, route: '/orders', status: 200 })),
      ...Array.from({ length: 2 }, () => ({ seconds: 0.08, route: '/orders', status: 503 })),
      { seconds: 0.4, route: '/orders/:id', status: 200 },
    ];
    record(second);
    await provider.forceFlush();

    const state = live.target(otlpTargetId('orders'))!;
    const http = state.latest?.http;
    assert.ok(http, `http stats from the second export: ${JSON.stringify(state.latest)}`);
    assert.equal(http.requestRate, second.length / seconds);
    // Errors/s over requests/s, both divided by the time between exports: 2 in 20 up to rounding.
    const expectedErrorRate = second.filter((r) => r.status >= 500).length / second.length;
    assert.ok(Math.abs(http.errorRate - expectedErrorRate) < 1e-12, `error rate ${http.errorRate}`);
    assert.equal(http.p95Ms, expectedP95Ms(second.map((r) => r.seconds)));
    const byRoute = new Map(http.routes.map((r) => [r.route, r]));
    assert.equal(byRoute.get('/orders')?.requestRate, 19 / seconds);
    assert.equal(byRoute.get('/orders/:id')?.requestRate, 1 / seconds);
    assert.equal(state.window.length, 2);
    // A settings change restarts collection: the window keeps its snapshots, none twice.
    await live.reconfigure();
    assert.equal(live.target(otlpTargetId('orders'))!.window.length, 2);
    assert.equal(state.health.level, 'healthy');
    assert.match(state.latest!.presets?.httpDuration ?? '', /http_server_request_duration_seconds/);
    // Into the history like a scraped target's rounds.
    assert.ok(store, 'history store open');
    assert.ok(
      store.series(otlpTargetId('orders')).some((s) => s.name.startsWith('http')),
      JSON.stringify(store.series()),
    );
  });
});

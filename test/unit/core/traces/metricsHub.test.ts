import * as assert from 'node:assert/strict';
import { OtlpMetricsHub, otlpTargetId } from '../../../../src/core/traces/metricsHub';
import { startOtlpReceiver, type OtlpReceiver } from '../../../../src/core/traces/receiver';
import { ManualClock } from '../../../../src/core/util/clock';
import { postRaw } from '../../../helpers/otlp';

/** One OTLP/JSON metrics export: a cumulative counter per service, with `series` label values each. */
function exportOf(services: string[], series = 1, value = 1): string {
  return JSON.stringify({
    resourceMetrics: services.map((name) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: name } }] },
      scopeMetrics: [
        {
          metrics: [
            {
              name: 'jobs.done',
              sum: {
                isMonotonic: true,
                aggregationTemporality: 2,
                dataPoints: Array.from({ length: series }, (_, i) => ({
                  asInt: String(value),
                  attributes: [{ key: 'id', value: { stringValue: `u${i}` } }],
                })),
              },
            },
          ],
        },
      ],
    })),
  });
}

describe('OTLP metrics hub', () => {
  let receiver: OtlpReceiver;
  let hub: OtlpMetricsHub;
  const refused: string[] = [];

  beforeEach(async () => {
    refused.length = 0;
    hub = new OtlpMetricsHub({
      clock: new ManualClock(1_000),
      maxSeries: 100,
      onRefused: (m) => refused.push(m),
    });
    receiver = await startOtlpReceiver({
      sink: { ingest: () => ({ rejected: 0 }), retryAfterSeconds: () => 0 },
      port: 0,
      onMetrics: (f) => hub.receive(f),
    });
  });
  afterEach(async () => {
    await receiver.close();
    hub.dispose();
  });

  const post = (body: string) =>
    postRaw(`${receiver.endpoint}/v1/metrics`, body, { 'content-type': 'application/json' });

  it('gives each sending service its own target, and follows at most 32, saying why the rest are dropped', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `svc-${i}`);
    const seen: string[] = [];
    hub.onSnapshot(({ snapshot }) => seen.push(snapshot.targetId));
    assert.equal((await post(exportOf(names))).status, 200);
    assert.equal(hub.services().length, 32);
    assert.deepEqual(seen, names.slice(0, 32).map(otlpTargetId));
    assert.equal(refused.length, 1, 'said once');
    assert.match(refused[0]!, /"svc-32" .* 32 services already send metrics, .* dropped/);
    await post(exportOf(names));
    assert.equal(refused.length, 1);
  });

  it('keeps at most maxSeries series of a service across exports, with the scrape limit warning', async () => {
    await post(exportOf(['ids'], 500));
    const s = hub.latest('ids')!;
    const cut = s.errors.find((e) => e.kind === 'cardinality');
    assert.ok(cut, JSON.stringify(s.errors));
    assert.match(cut.message, /The service otlp:ids \(OTLP\) exports 500 series, over the limit of 100/);
    assert.match(cut.message, /perflens\.maxSeriesPerScrape/);
  });
});

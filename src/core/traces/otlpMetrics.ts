/**
 * OTLP metrics to the exposition model a scrape produces (MetricFamily), named as Prometheus
 * exporters name OpenTelemetry metrics: dots become underscores, the unit is appended (`_seconds`,
 * `_milliseconds`, `_bytes`), monotonic sums end in `_total`, histograms become `_bucket{le}`,
 * `_sum` and `_count`. The presets that read a scraped OpenTelemetry service then read these too,
 * so received metrics feed the same snapshot model (see OtlpMetricsFeed).
 */
import type { MetricFamily, Sample } from '../metrics/types';
import { parseOtlpBody, type OtlpEncoding } from './decodeTraces';
import { attributes, field, int64, list } from './otlpValues';
import type { Result } from '../util/result';
import { ok } from '../util/result';

const UNIT_SUFFIX: Record<string, string> = { s: 'seconds', ms: 'milliseconds', By: 'bytes', us: 'microseconds' };

function promName(name: string, unit: string): string {
  let out = name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/^([0-9])/, '_$1');
  const suffix = UNIT_SUFFIX[unit];
  if (suffix && !out.endsWith(`_${suffix}`)) out += `_${suffix}`;
  return out;
}

function labelsOf(kvs: unknown[], resource: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...resource };
  for (const [k, v] of Object.entries(attributes(kvs))) out[k.replace(/[^a-zA-Z0-9_]/g, '_')] = String(v);
  return out;
}

const seriesKey = (name: string, labels: Record<string, string>) =>
  `${name}|${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',')}`;

/** AGGREGATION_TEMPORALITY_DELTA: each point is the increase since the last one. */
const DELTA = 1;

export interface DecodedMetrics {
  families: MetricFamily[];
  rejectedPoints: number;
  rejectReason?: string;
}

/**
 * Running totals of delta series, so that a sender exporting deltas still yields the cumulative
 * counters and histograms a scrape would show. One per sender.
 */
export class DeltaAccumulator {
  private readonly totals = new Map<string, number[]>();
  add(key: string, values: number[]): number[] {
    const prev = this.totals.get(key);
    const next = prev && prev.length === values.length ? values.map((v, i) => v + prev[i]!) : values;
    this.totals.set(key, next);
    return next;
  }
}

export function decodeMetrics(
  body: Uint8Array,
  encoding: OtlpEncoding,
  deltas = new DeltaAccumulator(),
): Result<DecodedMetrics, 'malformed'> {
  const parsed = parseOtlpBody(body, encoding, 'ExportMetricsServiceRequest');
  if (!parsed.ok) return parsed;
  const byName = new Map<string, MetricFamily>();
  const out: DecodedMetrics = { families: [], rejectedPoints: 0 };
  const family = (name: string, type: MetricFamily['type'], help: string) => {
    let f = byName.get(name);
    if (!f) byName.set(name, (f = { name, type, samples: [], ...(help ? { help } : {}) }));
    return f;
  };
  for (const rm of list(parsed.value, 'resourceMetrics')) {
    const res = attributes(list(field(rm, 'resource'), 'attributes'));
    const resource: Record<string, string> = {};
    if (typeof res['service.name'] === 'string') resource.job = res['service.name'];
    for (const sm of list(rm, 'scopeMetrics')) {
      for (const m of list(sm, 'metrics')) {
        const rawName = field(m, 'name');
        if (typeof rawName !== 'string' || !rawName) {
          out.rejectedPoints++;
          out.rejectReason ??= 'a metric has no name';
          continue;
        }
        const unit = String(field(m, 'unit') ?? '');
        const help = String(field(m, 'description') ?? '');
        const base = promName(rawName, unit);
        const gauge = field(m, 'gauge');
        const sum = field(m, 'sum');
        const hist = field(m, 'histogram');
        if (gauge || sum) {
          const monotonic = !!sum && field(sum, 'isMonotonic') === true;
          const delta = !!sum && int64(field(sum, 'aggregationTemporality')) === DELTA;
          const name = monotonic && !base.endsWith('_total') ? `${base}_total` : base;
          const f = family(monotonic ? name.replace(/_total$/, '') : name, monotonic ? 'counter' : 'gauge', help);
          for (const p of list(gauge ?? sum, 'dataPoints')) {
            const labels = labelsOf(list(p, 'attributes'), resource);
            let value = field(p, 'asDouble') !== undefined ? Number(field(p, 'asDouble')) : int64(field(p, 'asInt'));
            if (!Number.isFinite(value)) {
              out.rejectedPoints++;
              out.rejectReason ??= `a point of ${rawName} has no value`;
              continue;
            }
            if (delta) value = deltas.add(seriesKey(name, labels), [value])[0]!;
            f.samples.push({ name, labels, value });
          }
        } else if (hist) {
          const delta = int64(field(hist, 'aggregationTemporality')) === DELTA;
          const f = family(base, 'histogram', help);
          for (const p of list(hist, 'dataPoints')) {
            const labels = labelsOf(list(p, 'attributes'), resource);
            const bounds = list(p, 'explicitBounds').map(Number);
            let counts = list(p, 'bucketCounts').map(int64);
            if (counts.length !== bounds.length + 1 || counts.some((c) => !(c >= 0))) {
              out.rejectedPoints++;
              out.rejectReason ??= `a point of ${rawName} has ${counts.length} bucket counts for ${bounds.length} bounds (needs one more count than bounds)`;
              continue;
            }
            let total = int64(field(p, 'count'));
            let s = Number(field(p, 'sum') ?? 0);
            if (delta) {
              const acc = deltas.add(seriesKey(base, labels), [...counts, total, s]);
              counts = acc.slice(0, counts.length);
              total = acc[counts.length]!;
              s = acc[counts.length + 1]!;
            }
            const samples: Sample[] = [];
            let running = 0;
            counts.forEach((c, i) => {
              running += c;
              const le = i < bounds.length ? String(bounds[i]) : '+Inf';
              samples.push({ name: `${base}_bucket`, labels: { ...labels, le }, value: running });
            });
            samples.push({ name: `${base}_sum`, labels, value: s }, { name: `${base}_count`, labels, value: total });
            f.samples.push(...samples);
          }
        }
      }
    }
  }
  out.families = [...byName.values()].filter((f) => f.samples.length > 0);
  return ok(out);
}

/**
 * A generated scrape of a service with ~100k series, the shape a label holding ids gives: a request
 * counter by raw path (a user id in it), code and method; a latency histogram by handler and method
 * with client_golang's default buckets; a queue-depth gauge by tenant and queue. Values are written
 * as client_golang writes them (shortest round-trip form, 1.5e+06 from a million up). Deterministic: the same arguments give the same text, so runs compare.
 *
 * The text-format body follows client_golang (`# TYPE x_total counter`); the OpenMetrics body
 * follows the OpenMetrics rules (`# TYPE x counter` with `x_total` samples, `_created`, exemplars on
 * some counters, `# EOF`), so the strict parser reads it without a problem.
 */

import { prng } from '../examples/demo-service/src/random';

/** Default buckets of client_golang (prometheus.DefBuckets). */
const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
const CODES = ['200', '201', '204', '400', '404', '500'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];

export interface HighCardinalityScrape {
  text: string;
  /** Sample lines in the body (OpenMetrics adds a `_created` line per counter and histogram). */
  samples: number;
}

/** `series` series: 40 % counter, 42 % histogram (buckets, sum, count), 18 % gauge. */
export function highCardinalityScrape(series: number, format: 'prometheus' | 'openmetrics'): HighCardinalityScrape {
  const om = format === 'openmetrics';
  const next = prng(0x5eed);
  const out: string[] = [];
  let samples = 0;
  const created = 1796300000.123;

  const counters = Math.round(series * 0.4);
  const counterFamily = om ? 'http_requests' : 'http_requests_total';
  out.push(`# HELP ${counterFamily} Requests served, by raw path.`);
  out.push(`# TYPE ${counterFamily} counter`);
  for (let i = 0; i < counters; i++) {
    const labels = `code="${CODES[i % CODES.length]}",method="${METHODS[(i >> 3) % METHODS.length]}",path="/api/v1/users/${100000 + Math.floor(i / 4)}/orders"`;
    const value = Math.floor(next() * 50000);
    const exemplar =
      om && i % 10 === 0
        ? ` # {trace_id="${((i + 1) * 2654435761).toString(16).padStart(16, '0')}"} 1 ${created + i / 1000}`
        : '';
    out.push(`http_requests_total{${labels}} ${value}${exemplar}`);
    samples++;
    if (om) {
      out.push(`http_requests_created{${labels}} ${created}`);
      samples++;
    }
  }

  const histogramSeries = BUCKETS.length + 2;
  const histograms = Math.round((series * 0.42) / histogramSeries);
  out.push('# HELP http_request_duration_seconds Time to serve a request.');
  out.push('# TYPE http_request_duration_seconds histogram');
  for (let i = 0; i < histograms; i++) {
    const labels = `handler="/api/v1/handler${i >> 2}",method="${METHODS[i % METHODS.length]}"`;
    let count = 0;
    let sum = 0;
    for (const le of BUCKETS) {
      if (le !== '+Inf') {
        const more = Math.floor(next() * 40);
        count += more;
        sum += more * Number(le) * 0.7;
      }
      out.push(`http_request_duration_seconds_bucket{${labels},le="${le}"} ${count}`);
    }
    out.push(`http_request_duration_seconds_sum{${labels}} ${goFloat(sum)}`);
    out.push(`http_request_duration_seconds_count{${labels}} ${count}`);
    if (om) out.push(`http_request_duration_seconds_created{${labels}} ${created}`);
    samples += histogramSeries + (om ? 1 : 0);
  }

  const gauges = Math.max(0, series - counters - histograms * histogramSeries);
  out.push('# HELP queue_depth Jobs waiting, by tenant and queue.');
  out.push('# TYPE queue_depth gauge');
  for (let i = 0; i < gauges; i++) {
    const value = next() < 0.1 ? goFloat(next() * 3e6) : String(Math.floor(next() * 300));
    out.push(`queue_depth{queue="q${i % 7}",tenant="tenant-${(i * 7919) % 100003}"} ${value}`);
    samples++;
  }
  if (om) out.push('# EOF');
  return { text: out.join('\n') + '\n', samples };
}

/**
 * A float as Go's strconv.FormatFloat(v, 'g', -1, 64) writes it (what client_golang does): the
 * shortest digits, in exponent form from 1e6 up and below 1e-4, with two exponent digits at least.
 */
function goFloat(v: number): string {
  const a = Math.abs(v);
  if (v !== 0 && (a >= 1e6 || a < 1e-4)) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(v);
}

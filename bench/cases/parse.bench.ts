/**
 * Exposition parse throughput: ours against `parse-prometheus-text-format` (the anchor), in the
 * same process run. Targets: 6× the anchor on Prometheus text, 4× on OpenMetrics read strictly.
 *
 * One case per file of the real-exposition corpus (test/fixtures/exposition/, captured from
 * client_golang's Prometheus and node_exporter, Python's prometheus_client, prom-client and
 * OpenTelemetry JS's exporter; see test/fixtures/NOTICE.md): `.prom` files are read as a scrape
 * reads them (lenient, with their content type), `.om.txt` files strictly as OpenMetrics. The
 * anchor reads the same text (it does not know OpenMetrics but reads such a body without failing,
 * so it still sets the pace). Plus a generated 100k-series scrape in both formats
 * (bench/highCardinalityScrape.ts), and two ~200 KB scrapes:
 * - Prometheus text: a real Prometheus server's /metrics
 *   (test/fixtures/prometheus/prometheus-server-scrape.prom) with every sample repeated for 10
 *   replicas under a distinct `replica` label, each family's HELP/TYPE kept once so the body
 *   stays valid;
 * - OpenMetrics: a real prom-client registry (Node default metrics plus a labelled request
 *   histogram and counter with exemplars) rendered at setup, parsed by ours in strict mode. The
 *   anchor does not know OpenMetrics, but reads the body without failing, so it still sets the
 *   pace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OpenMetricsContentType } from 'prom-client';
import { SeriesCache, parseExposition } from '../../src/core/metrics/parser';
import { movedValues } from '../../test/helpers/scrapeRounds';
import { highCardinalityScrape } from '../highCardinalityScrape';

// The anchor ships no types; it is called as parse(text) → families.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parsePrometheusTextFormat = require('parse-prometheus-text-format') as (text: string) => unknown[];

const FIXTURE = path.join(__dirname, '../../test/fixtures/prometheus/prometheus-server-scrape.prom');
const CORPUS = path.join(__dirname, '../../test/fixtures/exposition');
const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const TEXT_TARGET = { ratio: 6 };
const OPENMETRICS_TARGET = { ratio: 4 };
const REPLICAS = 10;

/** Each family's metadata once, then its sample lines for every replica. */
export function buildScrape(source: string, replicas: number): string {
  const out: string[] = [];
  let samples: string[] = [];
  const flush = (): void => {
    for (let r = 0; r < replicas; r++) {
      for (const line of samples) {
        const brace = line.indexOf('{');
        const space = line.indexOf(' ');
        out.push(
          brace >= 0 && brace < space
            ? `${line.slice(0, brace + 1)}replica="r${r}",${line.slice(brace + 1)}`
            : `${line.slice(0, space)}{replica="r${r}"}${line.slice(space)}`,
        );
      }
    }
    samples = [];
  };
  for (const line of source.split('\n')) {
    if (line.length === 0) continue;
    if (line.startsWith('#')) {
      if (samples.length > 0) flush();
      out.push(line);
    } else {
      samples.push(line);
    }
  }
  flush();
  return out.join('\n') + '\n';
}

/** The scrape as it arrives: decoded from bytes into one flat string (not the concatenation buildScrape made). */
function setup(): string {
  return Buffer.from(buildScrape(fs.readFileSync(FIXTURE, 'utf8'), REPLICAS)).toString('utf8');
}

/** A prom-client OpenMetrics scrape: 8 routes × 3 methods × 5 codes of a latency histogram and a counter. */
async function promClientScrape(): Promise<{ text: string; contentType: string }> {
  const register = new Registry<OpenMetricsContentType>();
  register.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  collectDefaultMetrics({ register });
  const labelNames = ['method', 'route', 'code'];
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Request latency',
    labelNames,
    registers: [register],
    enableExemplars: true,
  });
  const requests = new Counter({
    name: 'http_requests',
    help: 'Requests',
    labelNames,
    registers: [register],
    enableExemplars: true,
  });
  const pool = new Gauge({
    name: 'db_pool_active_connections',
    help: 'Connections in use',
    labelNames: ['pool'],
    registers: [register],
  });
  let n = 0;
  for (let route = 0; route < 8; route++) {
    for (const method of ['GET', 'POST', 'PUT']) {
      for (const code of ['200', '201', '400', '404', '500']) {
        const labels = { method, route: `/api/v1/resource${route}/:id`, code };
        for (let i = 0; i < 5; i++) {
          n++;
          latency.observe({ labels, value: ((n * 7919) % 2000) / 1000, exemplarLabels: { traceId: `t${n}` } });
          requests.inc({ labels, value: 1, exemplarLabels: { traceId: `t${n}` } });
        }
      }
    }
  }
  pool.set({ pool: 'main' }, 3);
  return { text: await register.metrics(), contentType: register.contentType };
}

interface Scrape {
  text: string;
  contentType: string;
}

/** The body as a scrape hands it over: bytes decoded into one flat string. */
function asReceived(text: string, contentType: string): Scrape {
  return { text: Buffer.from(text).toString('utf8'), contentType };
}

const bytes = (scrape: Scrape) => Buffer.byteLength(scrape.text);
const anchor = (scrape: Scrape) => parsePrometheusTextFormat(scrape.text).length;
const parseText = (scrape: Scrape) => parseExposition(scrape.text, { contentType: scrape.contentType }).families.length;
const parseStrictOpenMetrics = (scrape: Scrape) =>
  parseExposition(scrape.text, { contentType: scrape.contentType, strict: true }).families.length;

function corpusCase(file: string) {
  const openMetrics = file.endsWith('.om.txt');
  const kb = Math.round(fs.statSync(path.join(CORPUS, file)).size / 1024);
  return {
    name: `parse ${file} (${kb} KB${openMetrics ? ', strict' : ''}): parseExposition vs parse-prometheus-text-format`,
    setup: () =>
      asReceived(
        fs.readFileSync(path.join(CORPUS, file), 'utf8'),
        openMetrics ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE,
      ),
    bytes,
    run: openMetrics ? parseStrictOpenMetrics : parseText,
    anchor,
    target: openMetrics ? OPENMETRICS_TARGET : TEXT_TARGET,
  };
}

/** How many successive scrapes a re-scrape case cycles through. */
const ROUNDS = 8;

interface Rounds {
  texts: string[];
  contentType: string;
  strict: boolean;
  cache: SeriesCache;
  next: number;
}

/**
 * A source scraped again and again, as a session does: ROUNDS successive scrapes (values moved,
 * series as they were), each parsed through the series cache of the one before, after one round
 * through them all (steady state). The anchor parses the same scrapes in the same order.
 */
function rounds(text: string, contentType: string, strict: boolean): Rounds {
  const texts = Array.from({ length: ROUNDS }, (_, r) => Buffer.from(movedValues(text, r)).toString('utf8'));
  const state: Rounds = { texts, contentType, strict, cache: new SeriesCache(), next: 0 };
  for (let r = 0; r < ROUNDS; r++) parseRound(state);
  return state;
}

function parseRound(s: Rounds): number {
  const text = s.texts[s.next++ % ROUNDS]!;
  return parseExposition(text, { contentType: s.contentType, strict: s.strict, seriesCache: s.cache }).families.length;
}

function anchorRound(s: Rounds): number {
  return parsePrometheusTextFormat(s.texts[s.next++ % ROUNDS]!).length;
}

function reScrapeCase(label: string, load: () => string, openMetrics: boolean) {
  return {
    name: `re-parse ${label}, values moved, through the last scrape's series: parseExposition vs parse-prometheus-text-format`,
    setup: () => rounds(load(), openMetrics ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE, openMetrics),
    bytes: (s: Rounds) => Buffer.byteLength(s.texts[0]!),
    run: parseRound,
    anchor: anchorRound,
    target: openMetrics ? OPENMETRICS_TARGET : TEXT_TARGET,
  };
}

const corpusFiles = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith('.prom') || f.endsWith('.om.txt'))
  .sort();

const corpusCases = corpusFiles.map(corpusCase);

const reScrapeCases = corpusFiles.map((file) =>
  reScrapeCase(
    `${file}${file.endsWith('.om.txt') ? ' (strict)' : ''}`,
    () => fs.readFileSync(path.join(CORPUS, file), 'utf8'),
    file.endsWith('.om.txt'),
  ),
);

const SERIES = 100_000;

export const cases = [
  ...corpusCases,
  {
    name: `parse generated ${SERIES / 1000}k-series scrape (Prometheus text): parseExposition vs parse-prometheus-text-format`,
    setup: () => asReceived(highCardinalityScrape(SERIES, 'prometheus').text, TEXT_CONTENT_TYPE),
    bytes,
    run: parseText,
    anchor,
    target: TEXT_TARGET,
  },
  {
    name: `parse generated ${SERIES / 1000}k-series scrape (OpenMetrics, strict): parseExposition vs parse-prometheus-text-format`,
    setup: () => asReceived(highCardinalityScrape(SERIES, 'openmetrics').text, OPENMETRICS_CONTENT_TYPE),
    bytes,
    run: parseStrictOpenMetrics,
    anchor,
    target: OPENMETRICS_TARGET,
  },
  {
    name: 'parse ~190 KB Prometheus scrape: parseExposition vs parse-prometheus-text-format',
    setup,
    bytes: (scrape: string) => Buffer.byteLength(scrape),
    run: (scrape: string) => parseExposition(scrape).families.length,
    anchor: (scrape: string) => parsePrometheusTextFormat(scrape).length,
    target: TEXT_TARGET,
  },
  {
    name: 'parse ~200 KB prom-client OpenMetrics scrape (strict): parseExposition vs parse-prometheus-text-format',
    setup: promClientScrape,
    bytes: (scrape: { text: string }) => Buffer.byteLength(scrape.text),
    run: (scrape: { text: string; contentType: string }) =>
      parseExposition(scrape.text, { contentType: scrape.contentType, strict: true }).families.length,
    anchor: (scrape: { text: string }) => parsePrometheusTextFormat(scrape.text).length,
    target: OPENMETRICS_TARGET,
  },
  ...reScrapeCases,
  reScrapeCase(
    `generated ${SERIES / 1000}k-series scrape (Prometheus text)`,
    () => highCardinalityScrape(SERIES, 'prometheus').text,
    false,
  ),
  reScrapeCase(
    `generated ${SERIES / 1000}k-series scrape (OpenMetrics, strict)`,
    () => highCardinalityScrape(SERIES, 'openmetrics').text,
    true,
  ),
];

/**
 * Exposition parse throughput: ours against `parse-prometheus-text-format` (the anchor) on a
 * ~200 KB real-world scrape, built from a real Prometheus server's /metrics
 * (test/fixtures/prometheus/prometheus-server-scrape.prom) with every sample repeated for 10
 * replicas under a distinct `replica` label, each family's HELP/TYPE kept once so the body stays
 * valid Prometheus text.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseExposition } from '../../src/core/metrics/parser';

// The anchor ships no types; it is called as parse(text) → families.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parsePrometheusTextFormat = require('parse-prometheus-text-format') as (text: string) => unknown[];

const FIXTURE = path.join(__dirname, '../../test/fixtures/prometheus/prometheus-server-scrape.prom');
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
        out.push(brace >= 0 && brace < space ? `${line.slice(0, brace + 1)}replica="r${r}",${line.slice(brace + 1)}` : `${line.slice(0, space)}{replica="r${r}"}${line.slice(space)}`);
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

export const cases = [
  {
    name: 'parse ~190 KB Prometheus scrape: parseExposition vs parse-prometheus-text-format',
    setup,
    bytes: (scrape: string) => Buffer.byteLength(scrape),
    run: (scrape: string) => parseExposition(scrape).families.length,
    anchor: (scrape: string) => parsePrometheusTextFormat(scrape).length,
  },
];

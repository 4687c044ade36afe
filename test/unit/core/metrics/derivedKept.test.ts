// A session's round reuses what the last rounds made: the series cache's names and label objects, the
// preset detector's answers, and the previous scrape's lists kept for rates. Whatever it reuses, it
// must answer what a round that works everything out afresh, from copies, answers.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deriveMetrics } from '../../../../src/core/metrics/derived';
import type { IndexedScrape } from '../../../../src/core/metrics/derived';
import { SeriesCache, parseExposition } from '../../../../src/core/metrics/parser';
import { PresetDetector } from '../../../../src/core/metrics/presetDetector';
import {
  describePresetMatches,
  detectPresets,
  indexSamples,
  readableSampleNames,
  retainSamples,
} from '../../../../src/core/metrics/presets';
import type { SampleIndex } from '../../../../src/core/metrics/presets';
import { movedValues } from '../../../helpers/scrapeRounds';

const FIXTURES = path.join(__dirname, '../../../fixtures');
const SCRAPES = [
  'exposition/prom-client-15.1.3.prom',
  'exposition/prometheus-2.42.0.prom',
  'exposition/python-prometheus-client-0.16.0.prom',
  'exposition/node-exporter-1.5.0.prom',
  'exposition/opentelemetry-exporter-prometheus-0.223.0.prom',
  'exporters/prometheus-server-1.txt',
];
const TEXT = 'text/plain; version=0.0.4';

/** Every list copied: nothing of an earlier round's work can be found again through it. */
function copied(index: SampleIndex): SampleIndex {
  return new Map([...index].map(([name, list]) => [name, list.map((s) => ({ ...s, labels: { ...s.labels } }))]));
}

describe('a round that reuses the last round’s work answers what a fresh round answers', () => {
  for (const file of SCRAPES)
    it(`derived metrics over successive scrapes of ${path.basename(file)}`, () => {
      const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
      const readable = readableSampleNames();
      const detector = new PresetDetector();
      const cache = new SeriesCache();
      let prev: IndexedScrape | undefined;
      let prevFresh: IndexedScrape | undefined;
      // Values that rise, stay, rise again, and fall (a restart).
      const rounds = [0, 5, 5, 12, 12, 3, 7].map((by) => movedValues(text, by));
      rounds.forEach((body, i) => {
        const time = 1_000_000 + i * 1000;
        const parsed = parseExposition(body, { contentType: TEXT, seriesCache: cache });
        const cur: IndexedScrape = { time, index: indexSamples(parsed.families) };
        const { resolved, described } = detector.detect(cur.index);
        const fresh: IndexedScrape = { time, index: copied(cur.index) };
        const fromScratch = detectPresets(fresh.index);
        assert.deepEqual(resolved, fromScratch, `round ${i}: presets`);
        assert.deepEqual(described, describePresetMatches(fromScratch));
        const d = deriveMetrics(prev, cur, resolved, { maxRoutes: 50 });
        const dFresh = deriveMetrics(prevFresh, fresh, fromScratch, { maxRoutes: 50 });
        assert.deepEqual(d, dFresh, `round ${i}: derived metrics`);
        prev = { time, index: retainSamples(cur.index, readable) };
        prevFresh = { time, index: copied(retainSamples(fresh.index, readable)) };
      });
    });
});

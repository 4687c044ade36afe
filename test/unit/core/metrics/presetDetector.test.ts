import * as assert from 'node:assert/strict';
import { PresetDetector } from '../../../../src/core/metrics/presetDetector';
import type { PresetOverrides } from '../../../../src/core/metrics/presets';
import { describePresetMatches, detectPresets, indexSamples } from '../../../../src/core/metrics/presets';
import type { MetricFamily, Sample } from '../../../../src/core/metrics/types';

const s = (name: string, labels: Record<string, string>, value = 1): Sample => ({ name, labels, value });
const fam = (name: string, samples: Sample[]): MetricFamily => ({ name, type: 'unknown', samples });

// Scrapes one after another, as a session sees them: families come and go, and some differ from
// the one before only in their labels or label values.
const promhttpOnly = [
  fam('promhttp_metric_handler_requests_total', [s('promhttp_metric_handler_requests_total', { code: '200' })]),
];
const byHandler = [
  ...promhttpOnly,
  fam('http_requests_total', [s('http_requests_total', { handler: '/api', code: '200' })]),
];
/** The same families as byHandler; only the labels of http_requests_total differ. */
const byHandlerAndMethod = [
  ...promhttpOnly,
  fam('http_requests_total', [s('http_requests_total', { handler: '/api', method: 'get', code: '200' })]),
];
const cacheMissesOnly = [
  fam('cache_gets_total', [s('cache_gets_total', { cache: 'users', result: 'miss' })]),
  fam('http_server_requests_seconds', [
    s('http_server_requests_seconds_count', { uri: '/a', method: 'GET', status: '200' }),
  ]),
];
/** The same families as cacheMissesOnly; a label value appears that a mapping matches on. */
const cacheHitsToo = [
  fam('cache_gets_total', [
    s('cache_gets_total', { cache: 'users', result: 'miss' }),
    s('cache_gets_total', { cache: 'users', result: 'hit' }),
  ]),
  cacheMissesOnly[1]!,
];
const withPool = [
  ...byHandlerAndMethod,
  fam('go_sql_open_connections', [s('go_sql_open_connections', { db_name: 'main' })]),
];
const apiCalls = [...promhttpOnly, fam('api_calls_total', [s('api_calls_total', {})])];

const SEQUENCE = [
  promhttpOnly,
  byHandler,
  byHandlerAndMethod,
  withPool,
  byHandlerAndMethod,
  cacheMissesOnly,
  cacheHitsToo,
  cacheMissesOnly,
  apiCalls,
  promhttpOnly,
];

describe('PresetDetector: the choice of one scrape, reused while the next scrapes give the same evidence', () => {
  for (const overrides of [
    {},
    { httpRequests: 'api_calls_total', heap: 'go_sql_open_connections' },
  ] as PresetOverrides[]) {
    it(`chooses what detectPresets chooses at every scrape as families, labels and label values change (overrides ${JSON.stringify(overrides)})`, () => {
      const detector = new PresetDetector(overrides);
      const seen = new Set<string>();
      SEQUENCE.forEach((families, i) => {
        const index = indexSamples(families);
        const expected = describePresetMatches(detectPresets(index, overrides));
        const got = detector.detect(index);
        assert.deepEqual(got.described, expected, `scrape ${i}`);
        assert.deepEqual(describePresetMatches(got.resolved), expected, `scrape ${i}`);
        assert.deepEqual([...got.resolved.keys()], [...detectPresets(index, overrides).keys()], `scrape ${i}`);
        seen.add(JSON.stringify(expected));
      });
      // The sequence really moves the choice: each kind of change above changes what is read.
      assert.ok(seen.size >= 5, `${seen.size} distinct choices`);
    });
  }

  it('reads a family that appears after the first scrape, and stops reading it once it is gone', () => {
    const detector = new PresetDetector();
    assert.equal(detector.detect(indexSamples(byHandlerAndMethod)).described.poolSize, undefined);
    assert.equal(detector.detect(indexSamples(withPool)).described.poolSize, 'go_sql_open_connections (go)');
    assert.equal(detector.detect(indexSamples(byHandlerAndMethod)).described.poolSize, undefined);
  });

  it('reuses its choice for a new scrape with the same evidence, and chooses again when the labels alone change', () => {
    const detector = new PresetDetector();
    const first = detector.detect(indexSamples(byHandler));
    const again = detector.detect(indexSamples(structuredClone(byHandler)));
    assert.equal(again, first, 'same families and labels: the same choice, not ranked again');
    const relabelled = detector.detect(indexSamples(byHandlerAndMethod));
    assert.notEqual(relabelled, first);
    assert.equal(first.described.httpRequests, 'http_requests_total (go)');
    assert.equal(relabelled.resolved.get('httpRequests')?.mapping.labels?.method, 'method');
    assert.equal(first.resolved.get('httpRequests')?.mapping.labels?.method, undefined);
  });
});

import * as assert from 'node:assert/strict';
import { withGrowthEvidence } from '../../../../src/core/analyzers/leakGrowth';
import type { Finding } from '../../../../src/core/analyzers/types';
import type { HeapDiff } from '../../../../src/core/profiler/heapDiff';

const MiB = 1024 * 1024;

const leak: Finding = {
  id: 'leak.heap',
  analyzer: 'leak',
  severity: 'warning',
  title: 'JS heap grows steadily: possible memory leak',
  evidence: { window: { from: 0, to: 600_000 }, numbers: { slopeMbPerMin: 2 }, text: 'JS heap grew 2 MB/min.' },
  recommendation: 'Profile allocations.',
  target: 'heap',
};
const pool: Finding = { ...leak, id: 'pool.saturated', analyzer: 'pool' };

const diff: HeapDiff = {
  sampleType: 'inuse_space',
  unit: 'bytes',
  before: { total: 1 * MiB },
  after: { total: 15 * MiB },
  threshold: 256 * 1024,
  growing: [
    {
      name: 'remember',
      file: '/srv/src/leak.ts',
      line: 19,
      before: 0,
      after: 12 * MiB,
      growth: 12 * MiB,
      afterShare: 0.8,
    },
    {
      name: 'parse',
      file: '/srv/src/parse.ts',
      line: 4,
      before: 1 * MiB,
      after: 2 * MiB,
      growth: 1 * MiB,
      afterShare: 0.13,
    },
  ],
  shrinking: [],
};

describe('leak findings carry the allocation sites that grow', () => {
  it('adds the growing sites to the leak finding, and leaves other findings alone', () => {
    const [l, p] = withGrowthEvidence([leak, pool], { at: 1, windowMs: 10_000, diff });
    assert.equal(
      l!.evidence.text,
      'JS heap grew 2 MB/min. What grows (two heap samples 10 s apart, inuse_space): remember (leak.ts:19) +12 MB; parse (parse.ts:4) +1 MB.',
    );
    assert.equal(l!.evidence.numbers.topGrowingSite, 'remember /srv/src/leak.ts:19');
    assert.equal(l!.evidence.numbers.topGrowthBytes, 12 * MiB);
    assert.equal(l!.evidence.numbers.growingSites, 2);
    assert.equal(p, pool);
  });

  it('says plainly when nothing grew in the window', () => {
    const [l] = withGrowthEvidence([leak], { at: 1, windowMs: 10_000, diff: { ...diff, growing: [] } });
    assert.match(l!.evidence.text, /No allocation site grew by 256 KB or more between two heap samples 10 s apart\.$/);
  });
});

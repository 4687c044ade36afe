import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import { setByteMirrorEnabled } from '../../../../src/core/metrics/parserBody';
import { OPTIONS, applyEdits, body, corpusBodies, edits, outcome } from '../../../helpers/expositionArbitraries';

/** Parses with the byte-mirror fast path and with the careful char-by-char path: both must agree. */
function assertSameBothWays(input: string, opts: ParseOptions): void {
  const fast = outcome(input, opts);
  setByteMirrorEnabled(false);
  let careful: unknown;
  try {
    careful = outcome(input, opts);
  } finally {
    setByteMirrorEnabled(true);
  }
  assert.deepEqual(fast, careful, input);
}

describe('parseExposition fast path against the careful path', () => {
  it('generated bodies (escapes, exemplars, timestamps, NaN/±Inf, unicode, empty label sets) parse the same both ways', () => {
    fc.assert(
      fc.property(body, fc.constantFrom(...OPTIONS), (text, opts) => assertSameBothWays(text, opts)),
      { numRuns: 400 },
    );
  });

  it('random edits of the real scrapes parse the same both ways', () => {
    const files = corpusBodies();
    fc.assert(
      fc.property(fc.nat({ max: files.length - 1 }), edits, (f, list) => {
        const text = applyEdits(files[f]!, list);
        for (const opts of OPTIONS) assertSameBothWays(text, opts);
      }),
      { numRuns: 60 },
    );
  });
});

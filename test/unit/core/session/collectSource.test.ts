import * as assert from 'node:assert/strict';
import { collectSource } from '../../../../src/core/session/sources';
import type { Snapshot } from '../../../../src/core/session/types';

const fresh = (): Snapshot => ({ targetId: 't', time: 0, errors: [] });

describe('collectSource: one source of a round', () => {
  it('records nothing for a source that ends well, and its failure for one that throws or rejects', async () => {
    const s = fresh();
    let ran = 0;
    await collectSource(s, 'system', async () => {
      ran++;
    });
    assert.equal(ran, 1);
    assert.equal(s.errors.length, 0);
    // A throw before the source's first await is its failure too, not the round's exception.
    await collectSource(s, 'process', () => {
      throw new Error('no such process');
    });
    await collectSource(s, 'health', () => Promise.reject(new Error('socket hang up')));
    assert.deepEqual(
      s.errors.map((e) => [e.source, e.kind, e.message]),
      [
        [
          'process',
          'failed',
          "Measuring the service's process failed: no such process. The other sources of the round were still collected.",
        ],
        [
          'health',
          'failed',
          'Reading the health endpoint failed: socket hang up. The other sources of the round were still collected.',
        ],
      ],
    );
  });

  it('stops waiting for a source that has not ended when the signal aborts, and says so', async () => {
    const s = fresh();
    const ending = new AbortController();
    const done = collectSource(s, 'system', () => new Promise<void>(() => undefined), ending.signal);
    ending.abort('the round reached its deadline');
    await done;
    assert.deepEqual(
      s.errors.map((e) => [e.source, e.kind, e.message]),
      [
        [
          'system',
          'aborted',
          'Measuring the machine had not finished when the round reached its deadline; it was stopped.',
        ],
      ],
    );
    // An already aborted signal: the source is not waited for at all.
    const late = fresh();
    await collectSource(late, 'system', () => new Promise<void>(() => undefined), ending.signal);
    assert.equal(late.errors[0]?.kind, 'aborted');
  });
});

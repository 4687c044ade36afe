import * as assert from 'node:assert/strict';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import { fixture, fn, importFixture, selfByName } from './fixtures';

describe('speedscope JSON importer', () => {
  it('evented 0.0.1 (unit none): total 14, self b 5, c 5, d 4, a 0', () => {
    const imp = importFixture('speedscope/v0.0.1-evented-simple.speedscope.json');
    assert.equal(imp.format, 'speedscope');
    assert.equal(imp.profiles.length, 1);
    const p = imp.profiles[0]!;
    assert.equal(p.sampleCount, 14);
    assert.deepEqual(selfByName(p), { a: 0, b: 5, c: 5, d: 4 });
    assert.equal(fn(p, 'a').totalSamples, 14);
  });

  it('sampled 0.1.2 (unit seconds): 14 s in all, self b 5 s, c 5 s, d 4 s, over 5 samples', () => {
    const p = importFixture('speedscope/v0.1.2-simple-sampled.speedscope.json').profiles[0]!;
    assert.equal(p.totalMs, 14_000);
    assert.equal(p.durationMs, 14_000);
    assert.equal(p.sampleCount, 5);
    assert.deepEqual(selfByName(p), { a: 0, b: 5000, c: 5000, d: 4000 });
    assert.equal(fn(p, 'a').totalMs, 14_000);
  });

  it('0.6.0 with two profiles: each has total 14 and the same self weights; active index kept', () => {
    const imp = importFixture('speedscope/v0.6.0-two-sampled.speedscope.json');
    assert.equal(imp.profiles.length, 2);
    assert.equal(imp.activeIndex, 1);
    assert.deepEqual(
      imp.profiles.map((p) => p.name),
      ['one', 'two'],
    );
    for (const p of imp.profiles) {
      assert.equal(p.totalMs, 14_000);
      assert.deepEqual(selfByName(p), { a: 0, b: 5000, c: 5000, d: 4000 });
    }
  });

  it('rejects an incomplete trace and out-of-order events with the reason', () => {
    const incomplete = importProfile(
      fixture('speedscope/invalid-incomplete-trace.json'),
      'invalid-incomplete-trace.json',
    );
    assert.equal(incomplete.ok, false);
    assert.match(
      !incomplete.ok ? incomplete.error.message : '',
      /^Not a valid speedscope JSON file: .*still open \(incomplete trace\)/,
    );
    const order = importProfile(
      fixture('speedscope/invalid-out-of-order-events.json'),
      'invalid-out-of-order-events.json',
    );
    assert.equal(order.ok, false);
    assert.match(
      !order.ok ? order.error.message : '',
      /^Not a valid speedscope JSON file: .*closes frame 1 .*out of order/,
    );
  });

  it('rejects frame indexes outside shared.frames and unknown profile types', () => {
    const doc = (profile: object) =>
      Buffer.from(
        JSON.stringify({
          $schema: 'https://www.speedscope.app/file-format-schema.json',
          shared: { frames: [{ name: 'a' }] },
          profiles: [profile],
        }),
      );
    const badFrame = importProfile(
      doc({ type: 'sampled', unit: 'none', startValue: 0, endValue: 1, samples: [[0, 3]], weights: [1] }),
    );
    assert.match(!badFrame.ok ? badFrame.error.message : '', /refers to frame 3/);
    const badType = importProfile(doc({ type: 'flame', unit: 'none', startValue: 0, endValue: 1 }));
    assert.match(!badType.ok ? badType.error.message : '', /expected "sampled" or "evented"/);
  });
});

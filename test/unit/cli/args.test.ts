import * as assert from 'node:assert/strict';
import { durationFlag, maxMemoryFlag, parseArgs, parseDuration, refuseFlags } from '../../../src/cli/args';
import { UserError } from '../../../src/core/util/result';

const spec = { valued: ['duration', 'alert-for', 'max-memory'], boolean: [] };

describe('cli args', () => {
  it('reads durations in ms, s, m, h and bare seconds, and refuses anything else', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('5'), 5000);
    assert.throws(() => parseDuration('-1s'), UserError);
    assert.throws(() => parseDuration('soon'), /not a duration/);
  });

  it('durationFlag: absent is undefined, zero only where allowed', () => {
    assert.equal(durationFlag(parseArgs([], spec), 'duration'), undefined);
    assert.equal(durationFlag(parseArgs(['--duration', '2m'], spec), 'duration'), 120_000);
    assert.throws(
      () => durationFlag(parseArgs(['--duration=0s'], spec), 'duration'),
      /--duration must be longer than 0/,
    );
    assert.equal(durationFlag(parseArgs(['--alert-for', '0s'], spec), 'alert-for', { allowZero: true }), 0);
  });

  it('maxMemoryFlag: megabytes by default, MB and GB suffixes, clear error otherwise', () => {
    assert.equal(maxMemoryFlag(parseArgs([], spec)), 1024);
    assert.equal(maxMemoryFlag(parseArgs(['--max-memory', '512MB'], spec)), 512);
    assert.equal(maxMemoryFlag(parseArgs(['--max-memory', '2GB'], spec)), 2048);
    assert.equal(maxMemoryFlag(parseArgs(['--max-memory', '300'], spec)), 300);
    assert.throws(() => maxMemoryFlag(parseArgs(['--max-memory', 'lots'], spec)), /not a size like 1024MB/);
  });

  it('refuses an option given twice instead of keeping the last and ignoring the others', () => {
    assert.throws(
      () => parseArgs(['--duration', '5s', '--duration=10s'], spec),
      (e: unknown) =>
        e instanceof UserError && /--duration is given twice \("5s" and "10s"\); give it once/.test(e.message),
    );
    assert.equal(parseArgs(['--duration', '5s', '--alert-for', '5s'], spec).flags.get('duration'), '5s');
  });

  it('refuseFlags names every flag that has no effect in the combination, and says to remove them', () => {
    const p = parseArgs(['--duration', '5s', '--alert-for', '1s'], spec);
    assert.doesNotThrow(() => refuseFlags(p, ['max-memory'], 'here'));
    assert.throws(
      () => refuseFlags(p, ['duration', 'alert-for', 'max-memory'], 'with --x'),
      (e: unknown) =>
        e instanceof UserError && e.message === '--duration and --alert-for have no effect with --x; remove them.',
    );
  });
});

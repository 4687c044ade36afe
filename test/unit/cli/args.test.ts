import * as assert from 'node:assert/strict';
import { durationFlag, maxMemoryFlag, parseArgs, parseDuration } from '../../../src/cli/args';
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
    assert.throws(() => durationFlag(parseArgs(['--duration=0s'], spec), 'duration'), /--duration must be longer than 0/);
    assert.equal(durationFlag(parseArgs(['--alert-for', '0s'], spec), 'alert-for', { allowZero: true }), 0);
  });

  it('maxMemoryFlag: megabytes by default, MB and GB suffixes, clear error otherwise', () => {
    assert.equal(maxMemoryFlag(parseArgs([], spec)), 1024);
    assert.equal(maxMemoryFlag(parseArgs(['--max-memory', '512MB'], spec)), 512);
    assert.equal(maxMemoryFlag(parseArgs(['--max-memory', '2GB'], spec)), 2048);
    assert.equal(maxMemoryFlag(parseArgs(['--max-memory', '300'], spec)), 300);
    assert.throws(() => maxMemoryFlag(parseArgs(['--max-memory', 'lots'], spec)), /not a size like 1024MB/);
  });
});

/**
 * The fast unit tier runs in one process and never waits on a child: a test file that starts a
 * process (the demo service, Prometheus, a node or python target, the CLI as a child, a shell tool)
 * is named `*.process.test.ts` and runs in the process tier (`npm run test:process`).
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const UNIT = join(ROOT, 'test', 'unit');

/** What starts a process: the module itself, and the helpers that wrap it. */
const STARTS_A_PROCESS =
  /node:child_process|\b(startDemoService|buildDemoService|startChildService|startNodeTarget|startPrometheus|requirePrometheus|runCliAndInterrupt)\b/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}

describe('test tiers', () => {
  it('no unit-tier test file starts a process: those are named *.process.test.ts', () => {
    const files = testFiles(UNIT);
    assert.ok(files.length > 100, `found only ${files.length} test files under ${UNIT}`);
    const offenders = files
      .filter((f) => !f.endsWith('.process.test.ts') && f !== __filename)
      .filter((f) => STARTS_A_PROCESS.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    assert.deepEqual(
      offenders,
      [],
      `These unit-tier files start a process; rename each to *.process.test.ts (git mv) so it runs in the process tier:\n  ${offenders.join('\n  ')}`,
    );
  });

  it('every process-tier file does start a process (or the fast tier could hold it)', () => {
    const idle = testFiles(UNIT)
      .filter((f) => f.endsWith('.process.test.ts'))
      .filter((f) => !STARTS_A_PROCESS.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    assert.deepEqual(idle.sort(), WALL_CLOCK.slice().sort());
  });
});

/**
 * Process-tier files that start no process but wait on the wall clock: CLI runs of a real
 * `--duration`, deadlines that must pass, load runs of real seconds.
 */
const WALL_CLOCK = [
  'test/unit/cli/cardinality.process.test.ts',
  'test/unit/cli/deadline.process.test.ts',
  'test/unit/cli/escapes.process.test.ts',
  'test/unit/cli/flagCombinations.process.test.ts',
  'test/unit/cli/healthVerdict.process.test.ts',
  'test/unit/cli/profileRecordEmpty.process.test.ts',
  'test/unit/cli/roundSources.process.test.ts',
  'test/unit/extension/commands/benchmarkEndpointLoad.process.test.ts',
];

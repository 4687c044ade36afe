import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { findInspector } from '../../../src/core/profiler/capture/inspector';
import { findWhatGrows } from '../../../src/core/profiler/heapGrowth';
import type { DemoHandle } from '../../helpers/demoService';
import { DEMO_SERVICE_DIR, loadDemo, startDemoService } from '../../helpers/demoService';
import { capture } from './liveHelpers';

const LEAK_TS = path.join(DEMO_SERVICE_DIR, 'src', 'leak.ts');
/** The line of the leaking method, read from the source so the test follows edits. */
function rememberLine(): number {
  const line =
    fs
      .readFileSync(LEAK_TS, 'utf8')
      .split('\n')
      .findIndex((l) => /^\s+remember\(/.test(l)) + 1;
  assert.ok(line > 0);
  return line;
}

interface SummaryJson {
  heap: { sampleType: string; unit: string; total: number } | null;
  functions: { name: string; file: string; line: number; selfBytes?: number; lines?: { line: number }[] }[];
}

describe('heap profiles of the demo service with its leak fault (record --heap, summarize, what grows)', function () {
  this.timeout(180_000);
  let demo: DemoHandle;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-heap-demo-'));
    demo = await startDemoService({ inspectPort: 0, leak: true });
  });
  after(async () => {
    await demo?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('record --heap on the demo with the leak on: the largest allocation site is RequestAuditTrail.remember, at its line in leak.ts', async () => {
    const traffic = loadDemo(`${demo.url}/api/workspaces`, 2);
    const c = capture();
    c.cwd = dir;
    let code: number;
    try {
      code = await runCli(
        [
          'profile',
          'record',
          '--heap',
          '--pid',
          String(demo.pid),
          '--duration',
          '3s',
          '-o',
          'leak.heapprofile',
          '--json',
        ],
        c,
      );
    } finally {
      await traffic.stop();
    }
    assert.equal(code, 0, c.stderr);
    const recorded = JSON.parse(c.stdout) as { format: string; unit: string; top: { name: string } };
    assert.equal(recorded.format, 'heapprofile');
    assert.equal(recorded.unit, 'bytes');
    const s = capture();
    s.cwd = dir;
    assert.equal(await runCli(['profile', 'summarize', 'leak.heapprofile', '--top', '5', '--json'], s), 0, s.stderr);
    const summary = JSON.parse(s.stdout) as SummaryJson;
    assert.equal(summary.heap?.sampleType, 'inuse_space');
    const top = summary.functions[0]!;
    assert.equal(top.name, 'remember', s.stdout);
    assert.equal(top.file, LEAK_TS);
    assert.equal(top.line, rememberLine());
    assert.ok(top.selfBytes! > 1024 * 1024, `remember holds ${top.selfBytes} bytes`);
    const text = capture();
    text.cwd = dir;
    assert.equal(await runCli(['profile', 'summarize', 'leak.heapprofile', '--top', '3'], text), 0);
    assert.match(text.stdout, /inuse_space: [\d.]+ [KMG]?B sampled/);
    assert.match(text.stdout, new RegExp(`[\\d.]+ MB\\s+[\\d.]+%.*remember\\s+.*leak\\.ts:${rememberLine()}`));
  });

  it('two heap samples apart name remember as growing while the leak is on, and not once it is off', async () => {
    const found = await findInspector(demo.pid);
    assert.ok(found.ok, found.ok ? '' : found.error.message);
    const grows = async () => {
      const traffic = loadDemo(`${demo.url}/api/workspaces`, 2);
      try {
        const r = await findWhatGrows({ kind: 'inspector', address: found.value }, { durationMs: 3000 });
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        return r.value;
      } finally {
        await traffic.stop();
      }
    };
    await demo.setFaults({ leak: true });
    const on = await grows();
    const site = on.diff.growing[0];
    assert.ok(site, 'something grows with the leak on');
    assert.equal(site.name, 'remember');
    assert.equal(site.file, LEAK_TS);
    assert.equal(site.line, rememberLine());
    assert.ok(site.growth > 1024 * 1024, `remember grew by ${site.growth} bytes`);

    await demo.setFaults({ leak: false });
    const off = await grows();
    assert.ok(
      !off.diff.growing.some((g) => g.name === 'remember'),
      `remember does not grow with the leak off: ${JSON.stringify(off.diff.growing.slice(0, 3))}`,
    );
  });
});

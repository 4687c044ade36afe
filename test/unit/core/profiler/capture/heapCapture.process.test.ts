import * as assert from 'node:assert/strict';
import { captureNodeHeapProfile } from '../../../../../src/core/profiler/capture/heapCapture';
import { findInspector } from '../../../../../src/core/profiler/capture/inspector';
import { importHeapProfile } from '../../../../../src/core/profiler/formats/heapprofile';
import type { NodeTarget } from './nodeTarget';
import { startNodeTarget } from './nodeTarget';

/**
 * A target whose small allocating function is inlined into its optimised caller before capture
 * starts: `handle` is optimised with `remember` inlined (checked through V8's own status bits), so
 * a naive allocation sample would charge remember's bytes to handle.
 */
const INLINED_SCRIPT = [
  'const kept = [];',
  'function remember(n) {',
  '  const batch = new Array(n);',
  '  for (let i = 0; i < n; i++) batch[i] = { i, at: i * 2 };',
  '  kept.push(batch);',
  '  if (kept.length > 400) kept.splice(0, 200);',
  '}',
  'function handle(k) { const n = 200 + (k & 1); remember(n); return n; }',
  '%PrepareFunctionForOptimization(remember);',
  '%PrepareFunctionForOptimization(handle);',
  'for (let k = 0; k < 50; k++) handle(k);',
  '%OptimizeFunctionOnNextCall(handle);',
  'handle(0);',
  'const optimized = (%GetOptimizationStatus(handle) & 64) !== 0;',
  'setInterval(() => { for (let k = 0; k < 20; k++) handle(k); }, 2);',
  'process.stdin.on("end", () => process.exit(0));',
  'process.stdin.resume();',
  'console.log(optimized ? "ready optimized" : "ready not-optimized");',
].join('\n');

describe('live Node heap capture over the inspector', () => {
  let target: NodeTarget | undefined;
  afterEach(async () => {
    await target?.stop();
    target = undefined;
  });

  it('charges allocations to the function that made them even when it was inlined into an optimised caller', async function () {
    this.timeout(60_000);
    target = await startNodeTarget(['--allow-natives-syntax', '--inspect=127.0.0.1:0'], INLINED_SCRIPT);
    const addr = await findInspector(target.pid);
    assert.ok(addr.ok, !addr.ok ? addr.error.message : '');
    const cap = await captureNodeHeapProfile(addr.value, { durationMs: 1500 });
    assert.ok(cap.ok, !cap.ok ? cap.error.message : '');
    const imp = importHeapProfile(cap.value);
    assert.ok(imp.ok, !imp.ok ? imp.error.message : '');
    const p = imp.value.profiles[0]!;
    const bytes = (name: string) =>
      p.functions.filter((f) => f.name === name).reduce((sum, f) => sum + (f.selfSamples ?? 0), 0);
    const remember = bytes('remember');
    const handle = bytes('handle');
    assert.ok(remember > 0, `remember holds ${remember} bytes`);
    assert.ok(remember > 10 * handle, `remember ${remember} bytes, handle ${handle} bytes`);
    const site = p.functions.find((f) => f.name === 'remember')!;
    assert.equal(site.line, 2);
  });
});

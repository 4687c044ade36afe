/**
 * V8's test intrinsics for tests that check what V8 does with our code: whether a function is
 * optimised, and a full collection on demand. Enables `--allow-natives-syntax` and `--expose_gc`
 * for this process when imported.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

v8.setFlagsFromString('--allow-natives-syntax');
v8.setFlagsFromString('--expose_gc');

/** A full collection. */
export const gc = vm.runInNewContext('gc') as () => void;
export const optimizationStatus = new Function('f', 'return %GetOptimizationStatus(f)') as (f: unknown) => number;
const prepareForOptimization = new Function('f', '%PrepareFunctionForOptimization(f)') as (f: unknown) => void;
const optimizeOnNextCall = new Function('f', '%OptimizeFunctionOnNextCall(f)') as (f: unknown) => void;
/** Waits for optimisations V8 started on its own threads and installs them (no timing involved). */
const finishOptimising = new Function('%FinalizeOptimization()') as () => void;
/** OptimizationStatus::kOptimized in V8's runtime-test.cc. */
const OPTIMIZED = 1 << 4;

export function isOptimised(f: unknown): boolean {
  return (optimizationStatus(f) & OPTIMIZED) !== 0;
}

/** Has V8 optimise `functions`, which `work` calls (it runs twice). */
export async function optimise(functions: readonly unknown[], work: () => unknown): Promise<void> {
  for (const f of functions) prepareForOptimization(f);
  await work();
  finishOptimising();
  for (const f of functions) optimizeOnNextCall(f);
  await work();
  finishOptimising();
}

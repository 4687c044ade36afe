/**
 * Child of listenerShape.process.test.ts, in a process of its own (no other abort listeners): has
 * V8 optimise collectSource, whose every run with a signal adds an abort listener and removes it,
 * runs two full collections, and prints whether collectSource is still optimised, and whether the
 * listener kept on a signal that never aborts is still there.
 *
 * A full collection runs first of all, as soon as the module is loaded: what the module does not
 * hold is gone before the rounds begin, whatever the collections this process happened to run.
 * With the argument `forget`, the kept signal is let go before the collections (the control: the
 * optimised code is then thrown away).
 */
import { getEventListeners } from 'node:events';
import { NEVER_ABORTED, collectSource } from '../../../../src/core/session/sources';
import type { Snapshot } from '../../../../src/core/session/types';
import { forgetShapes, keptShape } from '../../../../src/core/util/keepShape';
import { gc, isOptimised, optimise } from '../../../helpers/v8Intrinsics';

async function main(): Promise<void> {
  gc();
  const signal = new AbortController().signal;
  const run = () =>
    collectSource({ targetId: 't', time: 0, errors: [] } as Snapshot, 'process', () => Promise.resolve(), signal);
  for (let i = 0; i < 20; i++) await run();
  await optimise([collectSource], run);
  const before = isOptimised(collectSource);
  if (process.argv[2] === 'forget') forgetShapes([NEVER_ABORTED]);
  gc();
  gc();
  const after = isOptimised(collectSource);
  const kept = keptShape(NEVER_ABORTED) as AbortController | undefined;
  const keptListeners = kept ? getEventListeners(kept.signal, 'abort').length : 0;
  console.log(JSON.stringify({ before, after, keptListeners }));
}
void main();

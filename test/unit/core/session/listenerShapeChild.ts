/**
 * Child of listenerShape.process.test.ts, in a process of its own (no other abort listeners): has
 * V8 optimise collectSource, whose every run with a signal adds an abort listener and removes it,
 * runs two full collections, and prints whether collectSource is still optimised.
 */
import { collectSource } from '../../../../src/core/session/sources';
import type { Snapshot } from '../../../../src/core/session/types';
import { gc, isOptimised, optimise } from '../../../helpers/v8Intrinsics';

async function main(): Promise<void> {
  const signal = new AbortController().signal;
  const run = () =>
    collectSource({ targetId: 't', time: 0, errors: [] } as Snapshot, 'process', () => Promise.resolve(), signal);
  for (let i = 0; i < 20; i++) await run();
  await optimise([collectSource], run);
  const before = isOptimised(collectSource);
  gc();
  gc();
  const after = isOptimised(collectSource);
  console.log(JSON.stringify({ before, after }));
}
void main();

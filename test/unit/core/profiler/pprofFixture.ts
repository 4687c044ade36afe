import * as zlib from 'node:zlib';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';

/**
 * Builds a real gzipped pprof profile with pprof-format's encoder, the way a Go service's
 * /debug/pprof/profile answers: sample types samples/count and cpu/nanoseconds, 10 ms per sample.
 * Stacks: main→handler→parse ×30, main→handler→render ×10, main→gc ×5 (leaf lines 12, 20, 3).
 */
export async function makeGoCpuPprof(): Promise<Buffer> {
  const st = new StringTable();
  const fn = (id: number, name: string, file: string, startLine: number) =>
    new PFunction({ id, name: st.dedup(name), systemName: st.dedup(name), filename: st.dedup(file), startLine });
  const functions = [
    fn(1, 'main.main', '/src/app/main.go', 5),
    fn(2, 'main.handler', '/src/app/handler.go', 10),
    fn(3, 'main.parse', '/src/app/parse.go', 8),
    fn(4, 'main.render', '/src/app/render.go', 18),
    fn(5, 'runtime.gcBgMarkWorker', '/go/src/runtime/mgc.go', 1),
  ];
  const loc = (id: number, functionId: number, line: number) =>
    new Location({ id, address: 0x1000 + id, line: [new Line({ functionId, line })] });
  const locations = [loc(1, 1, 7), loc(2, 2, 11), loc(3, 3, 12), loc(4, 4, 20), loc(5, 5, 3)];
  const period = 10_000_000;
  const sample = (stackLeafFirst: number[], n: number) =>
    new Sample({ locationId: stackLeafFirst, value: [n, n * period] });
  const profile = new Profile({
    sampleType: [
      new ValueType({ type: st.dedup('samples'), unit: st.dedup('count') }),
      new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') }),
    ],
    sample: [sample([3, 2, 1], 30), sample([4, 2, 1], 10), sample([5], 5)],
    location: locations,
    function: functions,
    stringTable: st,
    durationNanos: 1_000_000_000,
    periodType: new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') }),
    period,
  });
  return zlib.gzipSync(Buffer.from(await profile.encodeAsync()));
}

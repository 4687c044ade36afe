/**
 * History store at its design load: 30 series sampled every 5 s for 30 days (one of them a latency
 * histogram), fed through the 1 min / 1 h rollups in time order. The clock stands at the end of the
 * month, as after a backfill, so samples older than the raw (6 h) and 1 min (48 h) windows go only
 * into the rollups they would survive in (live, they would be written and pruned later; the rows
 * kept are the same). Prints the file size; times persisting it and the range queries a chart makes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HistoryStore } from '../../src/core/store';
import { openHistoryStore } from '../../src/core/store';
import { ManualClock } from '../../src/core/util/clock';

const DAY = 86_400_000;
const STEP = 5000;
const SERIES = 30;
const DAYS = 30;
const END = Date.UTC(2026, 10, 1);
const TARGET = 'http://127.0.0.1:3000';
const HIST_BOUNDS = [5, 10, 25, 50, 100, 250, 500, 1000, Infinity];

interface Ctx {
  store: HistoryStore;
  file: string;
  dir: string;
}

let built: Promise<Ctx> | undefined;

/** A deterministic, wavy value per series and time (no randomness: runs are comparable). */
function value(series: number, t: number): number {
  return 100 + series * 10 + 50 * Math.sin(t / 3_600_000 + series) + ((t / STEP) % 7);
}

async function build(rawHours = 6): Promise<Ctx> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-bench-store-'));
  const file = path.join(dir, 'history.sqlite');
  const clock = new ManualClock(END);
  const r = await openHistoryStore({ file, clock, rawRetentionHours: rawHours, persistDebounceMs: 1e12 });
  if (!r.ok) throw new Error(r.error.message);
  const store = r.value;
  const started = performance.now();
  let samples = 0;
  for (let t = END - DAYS * DAY; t < END; t += STEP) {
    for (let s = 0; s < SERIES - 1; s++) {
      store.recordValue(TARGET, `bench.s${s}`, { route: `/r${s % 5}` }, t, value(s, t));
      samples++;
    }
    // The 30th series is a latency histogram (what Snapshot.histograms carries per interval).
    const n = 50;
    const fast = 40 + Math.round(5 * Math.sin(t / 600_000));
    const buckets = HIST_BOUNDS.map((le, i) => ({
      le,
      count: Math.min(n, i < 3 ? Math.round((fast * (i + 1)) / 3) : fast + (n - fast) * Math.min(1, (i - 2) / 4)),
    }));
    store.recordHistogram(
      TARGET,
      { series: 'http.duration', labels: {}, buckets, sumMs: fast * 12 + (n - fast) * 180, count: n },
      t,
    );
    samples++;
  }
  const ingestMs = performance.now() - started;
  const saved = await store.persistNow();
  if (!saved.ok) throw new Error(saved.error.message);
  const size = fs.statSync(file).size;
  const c = store.counts();
  console.log(
    `  store: ${samples.toLocaleString('en')} samples (${SERIES} series × ${DAYS} d at 5 s, raw window ${rawHours} h) ingested in ${(ingestMs / 1000).toFixed(1)} s ` +
      `(${((ingestMs * 1000) / samples).toFixed(2)} µs/sample); rows raw ${c.raw}, 1 min ${c.minute}, 1 h ${c.hour}; file ${(size / 1024 / 1024).toFixed(1)} MB`,
  );
  return { store, file, dir };
}

const month = () => (built ??= build());

process.on('exit', () => {
  void built?.then((c) => fs.rmSync(c.dir, { recursive: true, force: true }));
});

export const cases = [
  {
    name: 'persist 30 d × 30 series (export, temp file, fsync, rename)',
    setup: month,
    run: async (c: Ctx) => {
      const r = await c.store.persistNow();
      if (!r.ok) throw new Error(r.error.message);
    },
    // The same bytes written plainly (no temp file, no fsync): what the crash safety costs.
    anchor: (c: Ctx) => fs.writeFileSync(c.file + '.plain', c.store.exportBytes()),
    iterations: 60,
  },
  {
    name: '24 h chart of one series (auto → 1 min rollups, 1,440 points)',
    setup: month,
    run: (c: Ctx) => c.store.query(TARGET, 'bench.s7', { route: '/r2' }, END - DAY, END).points.length,
  },
  {
    name: '24 h p95/p99 from merged histogram buckets (1 min rollups)',
    setup: month,
    run: (c: Ctx) => c.store.latency(TARGET, 'http.duration', {}, END - DAY, END).p95Ms,
  },
  {
    name: '30 d chart of one series (auto → 1 h rollups, 720 points)',
    setup: month,
    run: (c: Ctx) => c.store.query(TARGET, 'bench.s7', { route: '/r2' }, END - DAYS * DAY, END).points.length,
  },
  {
    name: '24 h chart read from raw 5 s samples (17,280 points)',
    anchor: '24 h chart of one series (auto → 1 min rollups, 1,440 points)',
    setup: month,
    // The raw window is 6 h, so read 6 h of raw and scale: 4 runs per "24 h".
    run: (c: Ctx) => {
      let n = 0;
      for (let h = 0; h < 4; h++)
        n += c.store.query(TARGET, 'bench.s7', { route: '/r2' }, END - 6 * 3_600_000, END, { resolution: 'raw' }).points
          .length;
      return n;
    },
  },
];
